using System.Globalization;
using System.Text;

namespace Sentiment;

/// <summary>Lower-cases a sentence and splits it into words (letters, digits and apostrophes); punctuation is dropped.</summary>
public static class Tokenizer
{
    /// <summary>The words of <paramref name="text"/>.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }
}

/// <summary>
/// Word ids: 0 is the unknown word; the most frequent training words get the next ids, up to <see cref="Capacity"/>
/// (the model's embedding has that many rows, a constant of its declaration).
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Ids available, the unknown word included.</summary>
    public const int Capacity = 2048;

    /// <summary>The unknown word's id.</summary>
    public const int Unknown = 0;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    private Vocabulary()
    {
    }

    /// <summary>Words with an id, the unknown word included.</summary>
    public int Count => _ids.Count + 1;

    /// <summary>Builds a vocabulary from the training sentences: most frequent first, ties in ordinal order.</summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> sentences)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
        {
            foreach (string w in sentence) counts[w] = counts.GetValueOrDefault(w) + 1;
        }

        var vocabulary = new Vocabulary();
        foreach (var (word, _) in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(Capacity - 1))
        {
            vocabulary._ids[word] = vocabulary._ids.Count + 1;
        }

        return vocabulary;
    }

    /// <summary>The ids of <paramref name="words"/> (the unknown word's id for words outside the vocabulary).</summary>
    public int[] Encode(IReadOnlyList<string> words) => words.Select(w => _ids.GetValueOrDefault(w, Unknown)).ToArray();
}

/// <summary>A labelled sentence.</summary>
/// <param name="Positive">The label.</param>
/// <param name="Text">The sentence.</param>
public sealed record LabelledSentence(bool Positive, string Text);

/// <summary>Reads and writes the TSV format: a label (1/0, pos/neg, positive/negative) and a tab, then the sentence.</summary>
public static class Tsv
{
    /// <summary>Reads a TSV file; blank lines and lines starting with # are skipped, a header "label\ttext" too.</summary>
    public static List<LabelledSentence> Read(string path)
    {
        var rows = new List<LabelledSentence>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#')) continue;
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new FormatException($"{path}:{number}: expected 'label<TAB>sentence'.");
            string label = line[..tab].Trim().ToLowerInvariant();
            if (number == 1 && label == "label") continue;
            bool positive = label switch
            {
                "1" or "pos" or "positive" => true,
                "0" or "neg" or "negative" => false,
                _ => throw new FormatException($"{path}:{number}: unknown label '{line[..tab]}' (use 1/0, pos/neg or positive/negative)."),
            };
            rows.Add(new LabelledSentence(positive, line[(tab + 1)..].Trim()));
        }

        return rows;
    }

    /// <summary>Writes sentences as "1\tsentence" or "0\tsentence" lines.</summary>
    public static void Write(string path, IEnumerable<LabelledSentence> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path, rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{(r.Positive ? 1 : 0)}\t{r.Text}")));
    }
}

/// <summary>
/// Reads the JSON format of the UCI "Sentiment Labelled Sentences" as shipped in the npm package <c>sentiment</c>
/// (test/fixtures/amazon.json, imdb.json, yelp.json): an array of objects {"text": sentence, "class": 1 or 0}.
/// </summary>
public static class SentimentJson
{
    /// <summary>Reads one file; throws FormatException naming the file and the entry on anything else.</summary>
    public static List<LabelledSentence> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = System.Text.Json.JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            throw new FormatException($"{path}: expected a JSON array of {{\"text\": ..., \"class\": 0 or 1}} objects.");
        }

        var rows = new List<LabelledSentence>();
        int index = 0;
        foreach (System.Text.Json.JsonElement entry in document.RootElement.EnumerateArray())
        {
            if (entry.ValueKind == System.Text.Json.JsonValueKind.Object
                && entry.TryGetProperty("text", out System.Text.Json.JsonElement empty) && empty.ValueKind == System.Text.Json.JsonValueKind.String && empty.GetString()!.Length == 0
                && entry.TryGetProperty("class", out System.Text.Json.JsonElement none) && none.ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                index++;
                continue; // each fixture of the npm package ends with {"text": "", "class": null}
            }

            if (entry.ValueKind != System.Text.Json.JsonValueKind.Object
                || !entry.TryGetProperty("text", out System.Text.Json.JsonElement text) || text.ValueKind != System.Text.Json.JsonValueKind.String
                || !entry.TryGetProperty("class", out System.Text.Json.JsonElement label) || label.ValueKind != System.Text.Json.JsonValueKind.Number
                || !label.TryGetInt32(out int value) || value is not (0 or 1))
            {
                throw new FormatException($"{path}: entry {index} is not {{\"text\": string, \"class\": 0 or 1}}.");
            }

            rows.Add(new LabelledSentence(value == 1, text.GetString()!.Trim()));
            index++;
        }

        return rows;
    }
}

/// <summary>Reads labelled sentences from TSV or JSON files (by extension); several files are joined.</summary>
public static class LabelledFiles
{
    /// <summary>Reads every file of a comma-separated list.</summary>
    public static List<LabelledSentence> Read(string paths)
    {
        var rows = new List<LabelledSentence>();
        foreach (string path in paths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            rows.AddRange(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? SentimentJson.Read(path) : Tsv.Read(path));
        }

        return rows;
    }
}
