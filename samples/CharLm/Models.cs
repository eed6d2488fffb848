using GenRnn;

namespace CharLm;

/// <summary>A character language model: embedding, two stacked LSTMs, logits over the 128 ASCII codes.</summary>
[RecurrentModel]
[Embedding(vocabulary: Characters.Count, dimensions: 32)]
[Lstm(32, 128)]
[Lstm(128, 128)]
[Dense(Characters.Count)]
public partial class CharLstm;

/// <summary>Characters as token ids: the ASCII code; anything else becomes '?', tabs spaces, carriage returns vanish.</summary>
public static class Characters
{
    /// <summary>Token ids.</summary>
    public const int Count = 128;

    /// <summary>The ids of <paramref name="text"/>.</summary>
    public static int[] Encode(string text) => text.Replace("\r", "", StringComparison.Ordinal)
        .Select(c => c == '\t' ? ' ' : c < Count ? c : '?')
        .Select(c => (int)c)
        .ToArray();

    /// <summary>The text of <paramref name="ids"/>.</summary>
    public static string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        for (int i = 0; i < ids.Length; i++) chars[i] = (char)ids[i];
        return new string(chars);
    }
}
