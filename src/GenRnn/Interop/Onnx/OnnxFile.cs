using static GenRnn.Interop.OnnxProto;

namespace GenRnn.Interop;

/// <summary>The parts of an ONNX ModelProto that import reads: IR version, operator sets and the main graph.</summary>
internal sealed class OnnxFile
{
    public long IrVersion { get; private set; }

    public List<(string Domain, long Version)> Opsets { get; } = [];

    public OnnxGraph Graph { get; private set; } = new();

    /// <summary>
    /// Parses a ModelProto and checks that it has what every model has: <c>ir_version</c>, an <c>opset_import</c> and a
    /// <c>graph</c>, and, for a file GenRnn wrote, the <c>genrnn.model</c> metadata entry it writes last.
    /// </summary>
    /// <remarks>
    /// Protobuf has no end marker, so a file cut between two top-level fields parses; only a required field that is
    /// missing shows it. Every field GenRnn writes comes before its metadata entry, so every truncation of a GenRnn
    /// export lacks it; for other producers, what is caught is a cut inside a field or before a required one.
    /// </remarks>
    public static OnnxFile Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var file = new OnnxFile();
        bool hasGraph = false, hasIrVersion = false, hasGenRnnEntry = false;
        string producer = "";
        var reader = new ProtoReader(bytes, "ModelProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case ModelIrVersion:
                    reader.Expect(wire, 0, "ir_version");
                    file.IrVersion = (long)reader.Varint();
                    hasIrVersion = true;
                    break;
                case ModelProducerName:
                    reader.Expect(wire, 2, "producer_name");
                    producer = reader.String();
                    break;
                case ModelMetadataProps:
                    reader.Expect(wire, 2, "metadata_props");
                    hasGenRnnEntry |= IsGenRnnEntry(reader.Bytes(), source);
                    break;
                case ModelOpsetImport:
                    reader.Expect(wire, 2, "opset_import");
                    file.Opsets.Add(ParseOpset(reader.Bytes(), source));
                    break;
                case ModelGraph:
                    reader.Expect(wire, 2, "graph");
                    file.Graph = OnnxGraph.Parse(reader.Bytes(), source);
                    hasGraph = true;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (!hasGraph)
        {
            throw new InvalidDataException($"'{source}' is not an ONNX model: it has no graph.");
        }

        if (!hasIrVersion || file.Opsets.Count == 0)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX file: it has no {(hasIrVersion ? "opset_import" : "ir_version")} (truncated?).");
        }

        if (producer == Onnx.Producer && !hasGenRnnEntry)
        {
            throw new InvalidDataException(
                $"'{source}' is not a valid ONNX file: it was written by GenRnn but lacks the metadata entry '{Onnx.ModelMetadataKey}' GenRnn writes last (truncated?).");
        }

        return file;
    }

    private static bool IsGenRnnEntry(ReadOnlySpan<byte> bytes, string source)
    {
        var reader = new ProtoReader(bytes, "StringStringEntryProto", source);
        bool found = false;
        while (reader.Next(out int field, out int wire))
        {
            if (field == EntryKey)
            {
                reader.Expect(wire, 2, "key");
                found = reader.String() == Onnx.ModelMetadataKey;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return found;
    }

    private static (string, long) ParseOpset(ReadOnlySpan<byte> bytes, string source)
    {
        string domain = "";
        long version = 0;
        var reader = new ProtoReader(bytes, "OperatorSetIdProto", source);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case OpsetDomain:
                    reader.Expect(wire, 2, "domain");
                    domain = reader.String();
                    break;
                case OpsetVersion:
                    reader.Expect(wire, 0, "version");
                    version = (long)reader.Varint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (domain, version);
    }
}
