using System.Text.Json;

namespace GenRnn.Interop;

// The header parser: the JSON header into entries (name, dtype, shape, offsets), each checked on its own.
public static partial class SafeTensors
{
    private readonly record struct Entry(string Name, DType Type, int[] Shape, long Count, ulong Begin, ulong End);

    private enum DType
    {
        F32,
        F16,
        BF16,
        F64,
    }

    private static int Size(DType type) => type switch
    {
        DType.F16 or DType.BF16 => 2,
        DType.F32 => 4,
        _ => 8,
    };

    // Dtypes of the format that GenRnn does not convert to float.
    private static readonly HashSet<string> s_otherDtypes = new(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
    };

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(ReadOnlySpan<byte> header, string where)
    {
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = 8 });
        string? tensor = null;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, "the header", where);
            while (true)
            {
                Next(ref reader, where);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    throw new InvalidDataException($"{where} names '{name}' twice in its header.");
                }

                if (name == MetadataKey)
                {
                    ReadMetadata(ref reader, metadata, where);
                    continue;
                }

                if (name.Length == 0)
                {
                    throw new InvalidDataException($"{where} has a tensor with an empty name.");
                }

                tensor = name;
                entries.Add(ReadEntry(ref reader, name, where));
                tensor = null;
            }

            if (reader.Read())
            {
                throw new InvalidDataException($"{where} has content after its header's JSON object.");
            }
        }
        catch (JsonException e)
        {
            string context = tensor is null ? "" : $" (in the entry of tensor '{tensor}')";
            throw new InvalidDataException($"{where} has a header that is not valid JSON{context}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString throws this for a string that is not valid UTF-8.
            throw new InvalidDataException($"{where} has a header with an invalid string: {e.Message}", e);
        }

        return (entries, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string where)
    {
        Next(ref reader, where);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException($"{where} has a '{MetadataKey}' that is not an object of strings.");
        }

        while (true)
        {
            Next(ref reader, where);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            Next(ref reader, where);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new InvalidDataException($"{where} has metadata '{key}' whose value is a {Describe(reader.TokenType)}, not a string.");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new InvalidDataException($"{where} has metadata '{key}' twice.");
            }
        }
    }

    private static Entry ReadEntry(ref Utf8JsonReader reader, string name, string where)
    {
        Next(ref reader, where);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException($"{where}: the header's entry for tensor '{name}' is a {Describe(reader.TokenType)}, not an object.");
        }

        string? dtype = null;
        int[]? shape = null;
        ulong[]? offsets = null;
        while (true)
        {
            Next(ref reader, where);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string key = reader.GetString()!;
            switch (key)
            {
                case "dtype" when dtype is null:
                    Next(ref reader, where);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new InvalidDataException($"{where}: tensor '{name}' has a dtype that is not a string.");
                    }

                    dtype = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, name, "shape", where).Select(d => d <= int.MaxValue
                        ? (int)d
                        : throw new InvalidDataException($"{where}: tensor '{name}' has a dimension of {d}, more than GenRnn supports ({int.MaxValue}).")).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, name, "data_offsets", where).ToArray();
                    if (offsets.Length != 2)
                    {
                        throw new InvalidDataException($"{where}: tensor '{name}' has {offsets.Length} data_offsets; expected two, [begin, end].");
                    }

                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw new InvalidDataException($"{where}: tensor '{name}' gives '{key}' twice.");
                default:
                    throw new InvalidDataException($"{where}: tensor '{name}' has an unknown field '{key}' (expected dtype, shape and data_offsets).");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new InvalidDataException($"{where}: tensor '{name}' has no {missing}.");
        }

        DType type = dtype switch
        {
            "F32" => DType.F32,
            "F16" => DType.F16,
            "BF16" => DType.BF16,
            "F64" => DType.F64,
            _ when s_otherDtypes.Contains(dtype) => throw new NotSupportedException(
                $"{where}: tensor '{name}' has dtype {dtype}; GenRnn reads F32, F16, BF16 and F64 tensors."),
            _ => throw new InvalidDataException($"{where}: tensor '{name}' has an unknown dtype '{dtype}'."),
        };

        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > Array.MaxLength)
            {
                throw new InvalidDataException($"{where}: tensor '{name}' of shape [{string.Join(", ", shape)}] has more elements than an array can hold.");
            }
        }

        (ulong begin, ulong end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw new InvalidDataException($"{where}: tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin.");
        }

        ulong bytes = (ulong)count * (ulong)Size(type);
        if (end - begin != bytes)
        {
            throw new InvalidDataException(
                $"{where}: tensor '{name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}.");
        }

        return new Entry(name, type, shape, count, begin, end);
    }

    private static List<ulong> ReadIntegers(ref Utf8JsonReader reader, string name, string field, string where)
    {
        Next(ref reader, where);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidDataException($"{where}: tensor '{name}' has a {field} that is not an array.");
        }

        var values = new List<ulong>();
        while (true)
        {
            Next(ref reader, where);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
            {
                throw new InvalidDataException($"{where}: tensor '{name}' has a {field} entry that is not a non-negative integer.");
            }

            values.Add(value);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what, string where)
    {
        Next(ref reader, where);
        if (reader.TokenType != type)
        {
            throw new InvalidDataException($"{where}: {what} is a {Describe(reader.TokenType)}, not a JSON object.");
        }
    }

    private static void Next(ref Utf8JsonReader reader, string where)
    {
        if (!reader.Read())
        {
            throw new InvalidDataException($"{where} has a header that ends in the middle of its JSON.");
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
