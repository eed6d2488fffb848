using System.Diagnostics;
using System.Numerics.Tensors;
using GenRnn;
using GenRnn.Training;

namespace SeedTour.Experiments;

/// <summary>Next-symbol scores of one model on the embedded Reber grammar.</summary>
/// <param name="Model">The cell.</param>
/// <param name="Continual">Trained and tested on a stream of strings without resetting the state (Gers et al. 2000).</param>
/// <param name="Steps">Fraction of steps whose predicted symbol is one the grammar allows next.</param>
/// <param name="Strings">One string at a time: fraction of test strings right at every step. Continual: the fraction of test strings read before the first wrong prediction.</param>
/// <param name="Seconds">Training time.</param>
public sealed record ReberScore(string Model, bool Continual, double Steps, double Strings, double Seconds);

/// <summary>The embedded Reber grammar's outcome.</summary>
public sealed record ReberResult(IReadOnlyList<ReberScore> Scores, IReadOnlyList<LossCurve> Curves, int TestStrings, double Seconds) : IExperimentResult
{
    /// <inheritdoc/>
    public string Name => "reber";

    /// <inheritdoc/>
    public (string Title, string XLabel, string YLabel, bool LogY) Plot => ("Embedded Reber grammar, next-symbol prediction", "epoch", "training cross-entropy", false);

    /// <summary>The score of one model.</summary>
    public ReberScore Get(string model, bool continual) => Scores.Single(s => s.Model == model && s.Continual == continual);

    /// <inheritdoc/>
    public IReadOnlyList<SummaryRow> Rows => Scores.SelectMany(s => s.Continual
        ? new[]
        {
            new SummaryRow("Continual Reber", s.Model, $"allowed predictions, {TestStrings} strings, no reset", Run.Percent(s.Steps), s.Model == ReberModels.Forget ? "~100%" : "fails (c grows)"),
            new SummaryRow("Continual Reber", s.Model, "strings read before the first error", $"{Math.Round(s.Strings * TestStrings)} of {TestStrings}", ""),
        }
        : new[]
        {
            new SummaryRow("Embedded Reber", s.Model, "allowed next-symbol predictions", Run.Percent(s.Steps), ">= 99%"),
            new SummaryRow("Embedded Reber", s.Model, $"strings right at every step ({TestStrings})", Run.Percent(s.Strings), ""),
        }).ToList();
}

/// <summary>The names of the two Reber models.</summary>
public static class ReberModels
{
    /// <summary>The 1997 LSTM.</summary>
    public const string NoForget = "LSTM 1997 (no forget gate)";

    /// <summary>The LSTM with a forget gate.</summary>
    public const string Forget = "LSTM with forget gate";
}

/// <summary>
/// The embedded Reber grammar (Hochreiter &amp; Schmidhuber 1997, experiment 1): B, then T or P, then a string of
/// the Reber grammar, then the same T or P again, then E. Predicting the next symbol is easy but for the
/// second-to-last one, which needs the symbol seen 6 to 30 steps before. A prediction is right when the model's most
/// likely symbol is one the grammar allows next; the 1997 LSTM (no forget gate) and the LSTM with a forget gate
/// are compared.
/// </summary>
public static class Reber
{
    /// <summary>The alphabet, in token order.</summary>
    public const string Symbols = "BTPSXVE";

    private static readonly int B = 0, T = 1, P = 2, S = 3, X = 4, V = 5, E = 6;

    // The Reber grammar's graph: from each node, (symbol, next node); node 6 is the end (E follows).
    private static readonly (int Symbol, int Next)[][] Graph =
    [
        [(T, 1), (P, 2)],
        [(S, 1), (X, 3)],
        [(T, 2), (V, 4)],
        [(X, 2), (S, 5)],
        [(P, 3), (V, 5)],
        [(E, 6)],
    ];

    /// <summary>Runs the experiment.</summary>
    public static ReberResult Run(TourSize size, ITourProgress progress, int seed = 1)
    {
        var watch = Stopwatch.StartNew();
        (int train, int test, int epochs) = size switch
        {
            TourSize.Full => (2000, 1000, 30),
            TourSize.Short => (1000, 1000, 20),
            _ => (32, 16, 2),
        };
        var random = new Random(seed);
        List<(int[] Symbols, int[] Allowed)> trainStrings = Enumerable.Range(0, train).Select(_ => Generate(random)).ToList();
        List<(int[] Symbols, int[] Allowed)> testStrings = Enumerable.Range(0, test).Select(_ => Generate(random)).ToList();
        List<Sample> samples = trainStrings.Select(s => Sample.FromTokens(s.Symbols[..^1], s.Symbols[1..])).ToList();
        var scores = new List<ReberScore>();
        var curves = new List<LossCurve>();
        foreach (var (score, curve) in new[]
        {
            Train<ReberLstm1997>(ReberModels.NoForget, samples, testStrings, epochs, progress, seed),
            Train<ReberLstm>(ReberModels.Forget, samples, testStrings, epochs, progress, seed),
        })
        {
            scores.Add(score);
            curves.Add(curve);
        }

        // Continual: the same strings run together into streams of 20, trained with truncated BPTT (50 steps) and
        // the state carried across chunks; the test is all test strings back to back, the state never reset.
        int perStream = 20, streams = Math.Max(1, train / perStream);
        List<Sample> streamSamples = Enumerable.Range(0, streams).Select(k =>
        {
            int[] all = trainStrings.Skip(k * perStream).Take(perStream).SelectMany(s => s.Symbols).ToArray();
            return Sample.FromTokens(all[..^1], all[1..]);
        }).ToList();
        foreach (var (score, curve) in new[]
        {
            Train<ReberLstm1997>(ReberModels.NoForget, streamSamples, testStrings, epochs, progress, seed, truncated: 50),
            Train<ReberLstm>(ReberModels.Forget, streamSamples, testStrings, epochs, progress, seed, truncated: 50),
        })
        {
            scores.Add(score);
            curves.Add(curve);
        }

        return new ReberResult(scores, curves, test, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One embedded Reber string as token ids, and for each step t &lt; n - 1 the allowed successors of symbol t as a
    /// bit mask over <see cref="Symbols"/>.
    /// </summary>
    public static (int[] Symbols, int[] Allowed) Generate(Random random)
    {
        var symbols = new List<int> { B };
        var allowed = new List<int> { Mask(T, P) };
        int branch = random.Next(2) == 0 ? T : P;
        symbols.Add(branch);
        allowed.Add(Mask(B));
        symbols.Add(B);
        allowed.Add(Mask(T, P));
        int node = 0;
        while (node != 6)
        {
            (int symbol, int next) = Graph[node][Graph[node].Length == 1 ? 0 : random.Next(2)];
            symbols.Add(symbol);
            node = next;
            allowed.Add(node == 6 ? Mask(branch) : Graph[node].Aggregate(0, (m, e) => m | Mask(e.Symbol)));
        }

        symbols.Add(branch);
        allowed.Add(Mask(E));
        symbols.Add(E);
        return (symbols.ToArray(), allowed.ToArray());
    }

    private static int Mask(params int[] symbols) => symbols.Aggregate(0, (m, s) => m | (1 << s));

    /// <summary>Scores a model: steps whose arg-max is allowed, and strings right at every step.</summary>
    public static (double Steps, double Strings) Score<TModel>(TModel model, IReadOnlyList<(int[] Symbols, int[] Allowed)> strings)
        where TModel : class, IRecurrentModel<TModel>
    {
        long steps = 0, right = 0, perfect = 0;
        ForEachString(model, strings, (symbols, allowed, outputs, n) =>
        {
            bool all = true;
            for (int t = 0; t < n; t++)
            {
                int predicted = TensorPrimitives.IndexOfMax(outputs.AsSpan(t * TModel.OutputSize, TModel.OutputSize));
                bool ok = (allowed[t] & (1 << predicted)) != 0;
                right += ok ? 1 : 0;
                all &= ok;
            }

            steps += n;
            perfect += all ? 1 : 0;
        });

        return ((double)right / steps, (double)perfect / strings.Count);
    }

    /// <summary>
    /// Runs each string from a zero state, all but its last symbol, and hands <paramref name="visit"/> the string, its
    /// allowed-symbol masks, the outputs (OutputSize floats per step, reused between strings) and its step count n.
    /// </summary>
    public static void ForEachString<TModel>(TModel model, IReadOnlyList<(int[] Symbols, int[] Allowed)> strings, Action<int[], int[], float[], int> visit)
        where TModel : class, IRecurrentModel<TModel>
    {
        var state = new float[TModel.StateSize];
        var outputs = new float[64 * TModel.OutputSize];
        foreach (var (symbols, allowed) in strings)
        {
            Array.Clear(state);
            int n = symbols.Length - 1;
            if (outputs.Length < n * TModel.OutputSize) outputs = new float[n * TModel.OutputSize];
            model.Forward(symbols.AsSpan(0, n), state, outputs.AsSpan(0, n * TModel.OutputSize));
            visit(symbols, allowed, outputs, n);
        }
    }

    /// <summary>
    /// Scores a model on the test strings run back to back as one stream, the state never reset: after E the next
    /// symbol is the B of the next string. Returns the fraction of allowed predictions and the strings read before
    /// the first wrong one.
    /// </summary>
    public static (double Steps, int UntilFirstError) StreamScore<TModel>(TModel model, IReadOnlyList<(int[] Symbols, int[] Allowed)> strings)
        where TModel : class, IRecurrentModel<TModel>
    {
        var state = new float[TModel.StateSize];
        var output = new float[TModel.OutputSize];
        long steps = 0, right = 0;
        int untilFirstError = -1;
        for (int i = 0; i < strings.Count; i++)
        {
            var (symbols, allowed) = strings[i];
            for (int t = 0; t < symbols.Length; t++)
            {
                model.Step(symbols[t], state, output);
                int mask = t < allowed.Length ? allowed[t] : Mask(B);
                bool ok = (mask & (1 << TensorPrimitives.IndexOfMax(output))) != 0;
                right += ok ? 1 : 0;
                steps++;
                if (!ok && untilFirstError < 0) untilFirstError = i;
            }
        }

        return ((double)right / steps, untilFirstError < 0 ? strings.Count : untilFirstError);
    }

    private static (ReberScore, LossCurve) Train<TModel>(string name, List<Sample> training, List<(int[] Symbols, int[] Allowed)> test, int epochs, ITourProgress progress, int seed, int truncated = 0)
        where TModel : class, IRecurrentModel<TModel>
    {
        var watch = Stopwatch.StartNew();
        TModel model = Experiments.Run.NewModel<TModel>(seed);
        IRunProgress bar = progress.Begin($"{(truncated > 0 ? "Continual Reber" : "Reber")}: {name}", epochs);
        var options = new TrainerOptions
        {
            Loss = LossKind.SoftmaxCrossEntropy,
            Scenario = Scenario.ManyToMany,
            BatchSize = truncated > 0 ? 4 : 16,
            TruncatedSteps = truncated,
            Epochs = epochs,
            Seed = seed,
            Clip = GradientClip.ByNorm(1),
            OnProgress = p => bar.Report(p.EpochsCompleted, p.Loss),
        };
        using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 1e-2), options);
        TrainingReport report = trainer.Fit(training);
        double steps, strings;
        if (truncated > 0)
        {
            (steps, int before) = StreamScore(model, test);
            strings = (double)before / test.Count;
            bar.Finish($"{Experiments.Run.Percent(steps)} of steps, {before} strings before the first error");
        }
        else
        {
            (steps, strings) = Score(model, test);
            bar.Finish($"{Experiments.Run.Percent(steps)} of steps, {Experiments.Run.Percent(strings)} of strings");
        }

        var curve = new LossCurve(truncated > 0 ? $"{name}, continual" : name, Enumerable.Range(1, report.TrainingLoss.Count).Select(e => (double)e).ToList(), report.TrainingLoss);
        return (new ReberScore(name, truncated > 0, steps, strings, watch.Elapsed.TotalSeconds), curve);
    }
}
