using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GenRnn.Interop;

/// <summary>
/// Reads and writes the safetensors format (the format of <c>safetensors.torch.save_file</c> and the Hugging Face
/// hub) and loads such files into generated models by their PyTorch names.
/// </summary>
/// <remarks>
/// <para>
/// A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the tensors' data. The header maps
/// each tensor's name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets into the data, which
/// follows the header) and may hold a <c>__metadata__</c> object of string pairs. Reading accepts the dtypes
/// <c>F32</c>, <c>F16</c>, <c>BF16</c> and <c>F64</c> and converts every value to float; writing writes <c>F32</c>.
/// </para>
/// <para>
/// Reading checks the file as strictly as the reference implementation, and a little more: the header length is
/// at most <see cref="MaxHeaderLength"/> and inside the file; the header is a JSON object whose entries have exactly
/// a known dtype, a shape of non-negative integers and two offsets; no name appears twice; each tensor's byte length
/// is its element count times its dtype's size; the tensors' data neither overlap nor leave gaps and end exactly
/// where the file ends (so a truncated file is always rejected). Any violation is an <see cref="InvalidDataException"/>
/// naming the file and the tensor. Files are written under a temporary name and then moved over the destination.
/// </para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const int MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Reads a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its tensors, converted to float, and its metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file (truncated, malformed header, inconsistent offsets, ...).</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long length = new FileInfo(path).Length; // throws FileNotFoundException for a missing file
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"'{path}' is {length} bytes long; GenRnn reads safetensors files of at most {Array.MaxLength} bytes.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a safetensors file.</summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">What to call the data in error messages (a path, say).</param>
    /// <returns>Its tensors, converted to float, and its metadata.</returns>
    /// <exception cref="InvalidDataException">The data is not a valid safetensors file.</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> file, string source = "safetensors data")
    {
        ArgumentNullException.ThrowIfNull(source);
        string where = $"'{source}'";
        if (file.Length < 8)
        {
            throw new InvalidDataException($"{where} is truncated: it holds {file.Length} bytes, but a safetensors file starts with an 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"{where} announces a header of {headerLength} bytes, more than the limit of {MaxHeaderLength}: it is not a safetensors file or is damaged.");
        }

        if (headerLength > (ulong)(file.Length - 8))
        {
            throw new InvalidDataException($"{where} is truncated: it announces a header of {headerLength} bytes, but only {file.Length - 8} bytes follow the header length.");
        }

        if (headerLength < 2)
        {
            throw new InvalidDataException($"{where} announces a header of {headerLength} bytes; the shortest header is '{{}}'.");
        }

        ReadOnlySpan<byte> header = file.Slice(8, (int)headerLength);
        ReadOnlySpan<byte> data = file[(8 + (int)headerLength)..];
        if (header[0] != (byte)'{')
        {
            throw new InvalidDataException($"{where} has a header that does not start with '{{' (byte 0x{header[0]:X2}): it is not a safetensors file or is damaged.");
        }

        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(header, where);
        CheckLayout(entries, data.Length, where);

        var tensors = new List<NamedTensor>(entries.Count);
        foreach (Entry e in entries)
        {
            tensors.Add(new NamedTensor(e.Name, e.Shape, Convert(e, data.Slice((int)e.Begin, (int)(e.End - e.Begin)), where)));
        }

        return new SafeTensorsContent(tensors, metadata);
    }

    /// <summary>Serializes tensors as a safetensors file of F32 tensors, in the order given.</summary>
    /// <param name="tensors">The tensors; names must be non-empty, distinct and not <c>__metadata__</c>.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="ArgumentException">A tensor is invalid (no name, repeated name, negative dimension, data that does not fill its shape).</exception>
    public static byte[] Serialize(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        List<NamedTensor> list = CheckTensors(tensors);

        var headerBuffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(headerBuffer, s_writerOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    if (pair.Key is null || pair.Value is null)
                    {
                        throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                    }

                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (NamedTensor t in list)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int headerLength = (headerBuffer.WrittenCount + 7) / 8 * 8;
        long dataLength = 0;
        foreach (NamedTensor t in list)
        {
            dataLength += 4L * t.Data.Length;
        }

        long total = 8 + headerLength + dataLength;
        if (total > Array.MaxLength || headerLength > MaxHeaderLength)
        {
            throw new ArgumentException($"The tensors need a file of {total} bytes; GenRnn writes safetensors files of at most {Array.MaxLength} bytes.", nameof(tensors));
        }

        var file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerLength);
        headerBuffer.WrittenSpan.CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerBuffer.WrittenCount, headerLength - headerBuffer.WrittenCount).Fill((byte)' ');
        int position = 8 + headerLength;
        foreach (NamedTensor t in list)
        {
            Span<byte> destination = file.AsSpan(position, 4 * t.Data.Length);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(t.Data.AsSpan()).CopyTo(destination);
            }
            else
            {
                for (int i = 0; i < t.Data.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], t.Data[i]);
                }
            }

            position += destination.Length;
        }

        return file;
    }

    /// <summary>Writes tensors to a safetensors file of F32 tensors (under a temporary name, then moved over <paramref name="path"/>).</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="tensors">The tensors; names must be non-empty, distinct and not <c>__metadata__</c>.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="ArgumentException">A tensor is invalid.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] file = Serialize(tensors, metadata);
        AtomicFile.Write(path, file);
    }

    /// <summary>
    /// Saves a generated model's parameters as a safetensors file with PyTorch's names and layout (F32).
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="model">The model.</param>
    /// <param name="recurrentPrefix">
    /// A prefix for the recurrent layers' tensors only, the name of the <c>nn.LSTM</c> (<c>nn.GRU</c>, <c>nn.RNN</c>)
    /// attribute of the PyTorch module followed by a dot, e.g. <c>lstm.</c>; <c>embedding.weight</c>,
    /// <c>head.weight</c> and <c>head.bias</c> keep their names, as PyTorch names the modules beside it. Empty for none.
    /// </param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save<TModel>(string path, TModel model, string recurrentPrefix = "", IReadOnlyDictionary<string, string>? metadata = null)
        where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        Save(path, TModel.Description, model.Parameters, recurrentPrefix, metadata);
    }

    /// <summary>Saves a parameter buffer laid out as <paramref name="description"/> says as a safetensors file (F32).</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <param name="recurrentPrefix">A prefix for the recurrent layers' tensors only (see <see cref="Save{TModel}"/>), or empty.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, ModelDescription description, ReadOnlySpan<float> parameters, string recurrentPrefix = "", IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(recurrentPrefix);
        List<NamedTensor> tensors = PyTorchLayout.Export(description, parameters);
        Write(path, WithRecurrentPrefix(tensors, recurrentPrefix), metadata);
    }

    /// <summary>
    /// Loads a safetensors file into a generated model, strictly: every parameter tensor must be in the file once,
    /// with its exact shape, and the file must hold nothing else. The model is unchanged when anything is wrong.
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="model">The model that receives the parameters.</param>
    /// <param name="prefix">
    /// A module prefix that names may carry, e.g. <c>lstm.</c>: a name that starts with it is matched without it, so
    /// <c>lstm.weight_ih_l0</c> and <c>head.weight</c> (or <c>lstm.head.weight</c>) load. Empty for none.
    /// </param>
    /// <exception cref="InvalidDataException">The file is malformed, or a tensor is missing, unused, repeated or mis-shaped (each is named).</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load<TModel>(string path, TModel model, string prefix = "")
        where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        Load(path, TModel.Description, model.Parameters, prefix);
    }

    /// <summary>
    /// Loads a safetensors file into a parameter buffer laid out as <paramref name="description"/> says, strictly
    /// (see <see cref="Load{TModel}(string, TModel, string)"/>). The buffer is unchanged when anything is wrong.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <param name="prefix">A module prefix that names may carry, or empty.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the model.</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load(string path, ModelDescription description, Span<float> parameters, string prefix = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(prefix);
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {parameters.Length}.", nameof(parameters));
        }

        SafeTensorsContent content = Read(path);
        try
        {
            PyTorchLayout.Import(description, content.Tensors, parameters, prefix); // checks everything before writing
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}' does not fit {description.Name}: {Reason(e)}", e);
        }
    }

    /// <summary>The model's tensors with <paramref name="recurrentPrefix"/> before the recurrent layers' names.</summary>
    internal static IEnumerable<NamedTensor> WithRecurrentPrefix(IEnumerable<NamedTensor> tensors, string recurrentPrefix)
    {
        foreach (NamedTensor t in tensors)
        {
            bool module = t.Name.StartsWith("embedding.", StringComparison.Ordinal) || t.Name.StartsWith("head.", StringComparison.Ordinal);
            yield return module || recurrentPrefix.Length == 0 ? t : t with { Name = recurrentPrefix + t.Name };
        }
    }

    // Import's message without the "(Parameter 'tensors')" suffix ArgumentException appends.
    internal static string Reason(ArgumentException e)
    {
        string message = e.Message;
        int cut = e.ParamName is null ? -1 : message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static List<NamedTensor> CheckTensors(IEnumerable<NamedTensor> tensors)
    {
        var list = new List<NamedTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NamedTensor? t in tensors)
        {
            if (t is null || t.Name is null || t.Shape is null || t.Data is null)
            {
                throw new ArgumentException("A tensor, its name, shape or data is null.", nameof(tensors));
            }

            if (t.Name.Length == 0 || t.Name == MetadataKey)
            {
                throw new ArgumentException($"A tensor may not be named '{t.Name}'.", nameof(tensors));
            }

            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"Tensor '{t.Name}' is given twice.", nameof(tensors));
            }

            long count = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0)
                {
                    throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension in its shape {t.ShapeText}.", nameof(tensors));
                }

                count = d == 0 ? 0 : count > long.MaxValue / d ? long.MaxValue : count * d;
            }

            if (count != t.Data.Length)
            {
                throw new ArgumentException($"Tensor '{t.Name}' holds {t.Data.Length} values, its shape {t.ShapeText} needs {count}.", nameof(tensors));
            }

            list.Add(t);
        }

        return list;
    }

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

    // The tensors must tile the data exactly: sorted by offset, each begins where the previous ends, the last ends at
    // the end of the file. This rejects overlaps, gaps, offsets past the end, truncation and trailing bytes.
    private static void CheckLayout(List<Entry> entries, int dataLength, string where)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        ulong position = 0;
        string? previous = null;
        foreach (Entry e in sorted)
        {
            if (e.End > (ulong)dataLength)
            {
                throw new InvalidDataException(
                    $"{where} is truncated or damaged: tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}], but the data after the header holds only {dataLength} bytes.");
            }

            if (e.Begin < position)
            {
                throw new InvalidDataException($"{where}: the data of tensors '{previous}' and '{e.Name}' overlap (bytes {e.Begin} to {position}).");
            }

            if (e.Begin > position)
            {
                throw new InvalidDataException(
                    $"{where}: {e.Begin - position} bytes of data before tensor '{e.Name}' (from byte {position}) belong to no tensor.");
            }

            position = e.End;
            previous = e.Name;
        }

        if (position != (ulong)dataLength)
        {
            throw new InvalidDataException($"{where}: {(ulong)dataLength - position} bytes after the last tensor's data belong to no tensor.");
        }

        // Sorting keeps the data order; the list's order is the file's.
        entries.Clear();
        entries.AddRange(sorted);
    }

    private static float[] Convert(Entry e, ReadOnlySpan<byte> bytes, string where)
    {
        var values = new float[e.Count];
        switch (e.Type)
        {
            case DType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case DType.F32:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }

                break;
            case DType.F16:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                }

                break;
            case DType.BF16:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }

                break;
            case DType.F64:
                for (int i = 0; i < values.Length; i++)
                {
                    double v = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                    float f = (float)v;
                    if (float.IsInfinity(f) && double.IsFinite(v))
                    {
                        throw new InvalidDataException($"{where}: tensor '{e.Name}' holds {v:R} at element {i}, outside float's range.");
                    }

                    values[i] = f;
                }

                break;
        }

        return values;
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
