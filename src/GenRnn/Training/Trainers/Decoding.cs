using System.Buffers;
using System.Numerics.Tensors;

namespace GenRnn.Training;

/// <summary>
/// One-to-many inference: from a state and a first token, each step's output chooses the next token, which is fed
/// back as the next input (captioning, text generation, the decoder of an encoder-decoder pair).
/// </summary>
public static class Decoding
{
    /// <summary>Feeds back the most likely token at every step.</summary>
    /// <param name="model">A model whose outputs score the vocabulary (logits or probabilities).</param>
    /// <param name="state">The starting state (e.g. an encoder's final state); left at the final state.</param>
    /// <param name="firstToken">The first input token (e.g. a start symbol).</param>
    /// <param name="tokens">Receives one token per step.</param>
    public static void Greedy<TModel>(TModel model, Span<float> state, int firstToken, Span<int> tokens) where TModel : class, IRecurrentModel<TModel>
        => Run(model, state, firstToken, tokens, temperature: 0, random: null);

    /// <summary>Samples each next token from the outputs at a temperature (lower is more conservative).</summary>
    public static void Sample<TModel>(TModel model, Span<float> state, int firstToken, Span<int> tokens, float temperature, Random random) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(temperature > 0) || float.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be positive and finite.");
        Run(model, state, firstToken, tokens, temperature, random);
    }

    /// <summary>The index of a token drawn from <paramref name="scores"/> (logits, or probabilities when <paramref name="probabilities"/>) at a temperature.</summary>
    public static int Draw(ReadOnlySpan<float> scores, bool probabilities, float temperature, Random random, Span<float> scratch)
    {
        // Work in log space: probabilities p^(1/T) = exp(log p / T); logits z give exp(z / T).
        for (int i = 0; i < scores.Length; i++)
        {
            scratch[i] = (probabilities ? MathF.Log(MathF.Max(scores[i], 1e-30f)) : scores[i]) / temperature;
        }

        Span<float> weights = scratch[..scores.Length];
        TensorPrimitives.SoftMax(weights, weights);
        double u = random.NextDouble(), cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (u < cumulative) return i;
        }

        return weights.Length - 1;
    }

    private static void Run<TModel>(TModel model, Span<float> state, int firstToken, Span<int> tokens, float temperature, Random? random) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (state.Length != TModel.StateSize) throw new ArgumentException($"Expected {TModel.StateSize} floats, got {state.Length}.", nameof(state));
        if ((uint)firstToken >= TModel.VocabularySize) throw new ArgumentOutOfRangeException(nameof(firstToken), firstToken, $"Token ids must be in [0, {TModel.VocabularySize}).");
        if (TModel.OutputSize > TModel.VocabularySize) throw new ArgumentException($"{typeof(TModel).Name} scores {TModel.OutputSize} tokens but accepts only {TModel.VocabularySize}, so its outputs cannot be fed back.", nameof(model));
        float[] buffer = ArrayPool<float>.Shared.Rent(2 * TModel.OutputSize);
        try
        {
            Span<float> output = buffer.AsSpan(0, TModel.OutputSize);
            Span<float> scratch = buffer.AsSpan(TModel.OutputSize, TModel.OutputSize);
            bool probabilities = TModel.Description.HeadActivation == Activation.Softmax;
            int token = firstToken;
            for (int t = 0; t < tokens.Length; t++)
            {
                model.Step(token, state, output);
                token = random is null ? TensorPrimitives.IndexOfMax(output) : Draw(output, probabilities, temperature, random, scratch);
                tokens[t] = token;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
