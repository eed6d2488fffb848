using System.Globalization;
using System.Text.Json;

namespace GenRnn.Interop.Audio;

/// <summary>
/// Strict reading of the audio JSON files: the document, required members of a given kind, and nested arrays of
/// numbers as tensors. Every failure is an <see cref="InvalidDataException"/> that names the file and the place.
/// </summary>
internal static class AudioJson
{
    /// <summary>Parses the file; malformed JSON (including Python's bare NaN and Infinity) is an <see cref="InvalidDataException"/>.</summary>
    public static JsonDocument Parse(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            string nonFinite = HasBareNonFinite(bytes)
                ? " It holds a bare NaN or Infinity (Python's json module writes them for non-finite weights); weights must be finite."
                : "";
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}{nonFinite}", e);
        }
    }

    // Whether a NaN or Infinity token (which Python writes and JSON forbids) appears outside strings.
    private static bool HasBareNonFinite(ReadOnlySpan<byte> json)
    {
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            byte b = json[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (json[i..].StartsWith("NaN"u8) || json[i..].StartsWith("Infinity"u8))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The member <paramref name="name"/> of an object, which must be there.</summary>
    public static JsonElement Member(JsonElement parent, string name, string where, string source)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{source}': {where} is not a JSON object.");
        }

        return parent.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new InvalidDataException($"'{source}': {where} has no \"{name}\".");
    }

    /// <summary>A member that must be a whole number of at least <paramref name="minimum"/>.</summary>
    public static int Int(JsonElement parent, string name, int minimum, string where, string source)
    {
        JsonElement value = Member(parent, name, where, source);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= minimum
            ? n
            : throw new InvalidDataException($"'{source}': {where}.{name} is {value.GetRawText()}, expected a whole number of at least {minimum}.");
    }

    /// <summary>A member that must be a string.</summary>
    public static string String(JsonElement parent, string name, string where, string source)
    {
        JsonElement value = Member(parent, name, where, source);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"'{source}': {where}.{name} is {value.GetRawText()}, expected a string.");
    }

    /// <summary>A member that must be true or false.</summary>
    public static bool Bool(JsonElement parent, string name, string where, string source)
    {
        JsonElement value = Member(parent, name, where, source);
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new InvalidDataException($"'{source}': {where}.{name} is {value.GetRawText()}, expected true or false.");
    }

    /// <summary>
    /// A rectangular nested array of numbers as a tensor named <paramref name="name"/> (row-major); a number alone
    /// is a tensor of shape []. Ragged arrays, non-numbers and values that are not finite 32-bit floats are rejected.
    /// </summary>
    public static NamedTensor Tensor(JsonElement value, string name, string where, string source)
    {
        var shape = new List<int>();
        for (JsonElement e = value; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            shape.Add(e.GetArrayLength());
            if (shape[^1] == 0)
            {
                break;
            }
        }

        long count = 1;
        foreach (int n in shape)
        {
            count *= n;
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"'{source}': {where} holds {count} values, more than GenRnn reads.");
        }

        var data = new float[count];
        int next = 0;
        Flatten(value, 0);
        return new NamedTensor(name, [.. shape], data);

        void Flatten(JsonElement e, int depth)
        {
            if (depth == shape.Count)
            {
                data[next] = Float(e, next);
                next++;
                return;
            }

            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[depth])
            {
                throw new InvalidDataException(
                    $"'{source}': {where} is not a rectangular array of numbers of shape [{string.Join(", ", shape)}] (at flat index {next}: {Short(e)}).");
            }

            foreach (JsonElement item in e.EnumerateArray())
            {
                Flatten(item, depth + 1);
            }
        }

        float Float(JsonElement e, int index)
        {
            if (e.ValueKind != JsonValueKind.Number)
            {
                throw new InvalidDataException(
                    $"'{source}': {where} is not a rectangular array of numbers of shape [{string.Join(", ", shape)}] (at flat index {index}: {Short(e)}).");
            }

            return e.TryGetSingle(out float f) && float.IsFinite(f)
                ? f
                : throw new InvalidDataException(
                    $"'{source}': {where} holds {e.GetRawText()} at flat index {index}, which is not a finite 32-bit float; weights must be finite.");
        }
    }

    private static string Short(JsonElement e)
    {
        string text = e.GetRawText();
        return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
    }

    /// <summary>Invariant text of a number for messages.</summary>
    public static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
