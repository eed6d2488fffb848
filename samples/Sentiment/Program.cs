using System.Diagnostics;
using System.Globalization;
using GenRnn;
using GenRnn.Training;
using Spectre.Console;

namespace Sentiment;

/// <summary>
/// Many-to-one sentiment classification: sentences from a TSV file are tokenised into words, mapped to ids by a
/// vocabulary built from the training split, and read by an embedding and an LSTM or a GRU whose last step gives
/// negative or positive.
/// </summary>
public static class Program
{
    /// <summary>
    /// Options: <c>--data FILE.tsv</c> (label TAB sentence) or <c>FILE.json</c> (the npm package sentiment's fixtures:
    /// [{"text": ..., "class": 0|1}]), several joined by commas (without it a 6,000-sentence corpus is generated and written
    /// to ./sentiment-data/generated.tsv first), <c>--epochs N</c> (default 12), <c>--cell lstm|gru|both</c>;
    /// <c>--write-corpus FILE [--count N] [--seed S]</c> only writes a generated corpus; <c>--help</c>.
    /// </summary>
    public static int Main(string[] args)
    {
        var cli = new GenRnn.Samples.SampleArguments("Sentiment", "Trains an embedding and an LSTM and/or a GRU to classify sentences as negative or positive, against a bag-of-words baseline.");
        var dataOption = cli.Text("--data", "FILES", null, "FILE.tsv (label TAB sentence) or FILE.json (npm sentiment fixtures), several joined by commas (default: generate 6,000 sentences into ./sentiment-data/generated.tsv)", GenRnn.Samples.SampleArguments.ExistingFiles);
        var epochsOption = cli.Int("--epochs", 12, "epochs at most (early stop after 3 without validation improvement)", 1, 100_000);
        var cellOption = cli.Text("--cell", "lstm|gru|both", "both", "which recurrent cell to train (default both)", GenRnn.Samples.SampleArguments.OneOf("lstm", "gru", "both"));
        var writeOption = cli.Text("--write-corpus", "FILE", null, "only write a generated corpus to FILE, then exit");
        var countOption = cli.Int("--count", 6000, "sentences for --write-corpus", 1, 10_000_000);
        var seedOption = cli.Int("--seed", 1, "seed for --write-corpus", int.MinValue, int.MaxValue);
        cli.Note("Small runs (e.g. the tests' --data tiny.tsv --epochs 1) are for a fast smoke run and do not reach the default run's accuracy.");
        if (cli.Parse(args) is int exit) return exit;
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 150; // a log file: room for the tables
        }

        if (writeOption.Value is { } corpusPath)
        {
            int count = countOption.Value;
            Tsv.Write(corpusPath, Corpus.Generate(count, seed: seedOption.Value));
            AnsiConsole.MarkupLine($"Wrote {count} generated sentences to {Markup.Escape(corpusPath)}.");
            return 0;
        }

        string? data = dataOption.Value;
        int epochs = epochsOption.Value;
        string cell = cellOption.Value!;
        if (data is null)
        {
            data = Path.GetFullPath(Path.Combine("sentiment-data", "generated.tsv"));
            Tsv.Write(data, Corpus.Generate(6000, seed: 1));
            AnsiConsole.MarkupLine($"Generated 6,000 sentences into [blue]{Markup.Escape(data)}[/].");
        }

        List<LabelledSentence> rows = LabelledFiles.Read(data);
        if (rows.Count < 10)
        {
            AnsiConsole.MarkupLine("[red]Need at least 10 labelled sentences.[/]");
            return 2;
        }

        // A seeded 80/10/10 split; the vocabulary sees only the training sentences.
        var random = new Random(1);
        LabelledSentence[] shuffled = rows.ToArray();
        random.Shuffle(shuffled);
        int trainCount = shuffled.Length * 8 / 10, validCount = shuffled.Length / 10;
        var train = shuffled[..trainCount];
        var valid = shuffled[trainCount..(trainCount + validCount)];
        var test = shuffled[(trainCount + validCount)..];
        Vocabulary vocabulary = Vocabulary.Build(train.Select(r => Tokenizer.Words(r.Text)));
        AnsiConsole.MarkupLine($"{rows.Count} sentences ({rows.Count(r => r.Positive)} positive): {train.Length} training, {valid.Length} validation, {test.Length} test; {vocabulary.Count} words in the vocabulary.");

        List<Sample> Samples(IEnumerable<LabelledSentence> part) => part
            .Select(r => (Ids: vocabulary.Encode(Tokenizer.Words(r.Text)), r.Positive))
            .Where(p => p.Ids.Length > 0)
            .Select(p => Sample.FromTokens(p.Ids, [p.Positive ? 1 : 0]))
            .ToList();

        var (trainSamples, validSamples, testSamples) = (Samples(train), Samples(valid), Samples(test));
        string[] probes =
        [
            "the movie was good", "the movie was not good", "the plot was boring but the acting was brilliant",
            "the acting was brilliant but the plot was boring", "honestly the ending was never dull", "the cast was not at all funny",
        ];

        var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "parameters", "epochs", "train s", "test accuracy");
        var probeTable = new Table().Border(TableBorder.Rounded).AddColumn("sentence");
        var results = new List<(string Name, double[] Positive)>();
        if (cell is "lstm" or "both") results.Add(Run<SentimentLstm>("LSTM", trainSamples, validSamples, testSamples, epochs, vocabulary, probes, table));
        if (cell is "gru" or "both") results.Add(Run<SentimentGru>("GRU", trainSamples, validSamples, testSamples, epochs, vocabulary, probes, table));
        double bagOfWords = BagOfWordsAccuracy(trainSamples, testSamples, vocabulary.Count);
        table.AddRow("bag of words (logistic regression, no order)", "-", "20", "-", $"{100 * bagOfWords:F1}%");
        AnsiConsole.Write(table);
        foreach (var (name, _) in results) probeTable.AddColumn($"P(positive), {name}");
        for (int i = 0; i < probes.Length; i++)
        {
            probeTable.AddRow([Markup.Escape(probes[i]), .. results.Select(r => r.Positive[i].ToString("F3", CultureInfo.InvariantCulture))]);
        }

        AnsiConsole.Write(probeTable);
        return 0;
    }

    private static (string, double[]) Run<TModel>(string name, List<Sample> train, List<Sample> valid, List<Sample> test, int epochs, Vocabulary vocabulary, string[] probes, Table table)
        where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = TModel.Create();
        ParameterInitializer.Recommended(TModel.Description, model.Parameters, seed: 1);
        var watch = Stopwatch.StartNew();
        TrainingReport report = null!;
        double accuracy = double.NaN;
        AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(name, maxValue: epochs);
                var options = new TrainerOptions
                {
                    Loss = LossKind.SoftmaxCrossEntropy,
                    Scenario = Scenario.ManyToOne,
                    BatchSize = 32,
                    Epochs = epochs,
                    Clip = GradientClip.ByNorm(1),
                    EarlyStoppingPatience = 3, // on the validation loss; the best parameters are restored
                    OnProgress = p =>
                    {
                        task.Value = p.EpochsCompleted;
                        task.Description = $"{name} [grey]loss {p.Loss:F3}, validation {p.ValidationLoss:F3}[/]";
                    },
                };
                using var trainer = new Trainer<TModel>(model, new Adam(TModel.ParameterCount, 3e-3), options);
                report = trainer.Fit(train, valid.Count > 0 ? valid : null);
                task.Value = task.MaxValue;
                accuracy = test.Count > 0 ? trainer.Evaluate(test).Accuracy : double.NaN;
            });
        table.AddRow(name, TModel.ParameterCount.ToString(CultureInfo.InvariantCulture), report.Epochs.ToString(CultureInfo.InvariantCulture) + (report.StoppedEarly ? " (early stop)" : ""), watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), $"{100 * accuracy:F1}%");

        var state = new float[TModel.StateSize];
        var outputs = new float[64 * TModel.OutputSize];
        double[] positive = probes.Select(text =>
        {
            int[] ids = vocabulary.Encode(Tokenizer.Words(text));
            Array.Clear(state);
            Span<float> o = outputs.AsSpan(0, ids.Length * TModel.OutputSize);
            model.Forward(ids, state, o);
            Span<float> last = o[^TModel.OutputSize..];
            double e0 = Math.Exp(last[0]), e1 = Math.Exp(last[1]);
            return e1 / (e0 + e1);
        }).ToArray();
        return (name, positive);
    }

    /// <summary>A baseline that ignores word order: logistic regression on word counts, 20 epochs of SGD.</summary>
    private static double BagOfWordsAccuracy(List<Sample> train, List<Sample> test, int words)
    {
        var weights = new double[words + 1];
        double Score(int[] ids) => ids.Sum(id => weights[id]) + weights[words];
        for (int epoch = 0; epoch < 20; epoch++)
        {
            foreach (Sample sample in train)
            {
                double p = 1 / (1 + Math.Exp(-Score(sample.Tokens!)));
                double g = p - sample.Classes![0];
                foreach (int id in sample.Tokens!) weights[id] -= 0.05 * g;
                weights[words] -= 0.05 * g;
            }
        }

        return test.Count == 0 ? double.NaN : test.Count(s => (Score(s.Tokens!) > 0) == (s.Classes![0] == 1)) / (double)test.Count;
    }
}
