using System.Diagnostics;
using System.Globalization;
using GenRnn;
using GenRnn.Training;
using Spectre.Console;

namespace CharLm;

/// <summary>
/// A character-level language model: an embedding, two stacked LSTMs and a softmax over characters, trained with
/// truncated BPTT on a text file, printing text sampled at a temperature after every epoch and saving a checkpoint;
/// <c>--generate</c> continues a prompt from the checkpoint.
/// </summary>
public static class Program
{
    /// <summary>
    /// Options: <c>--text FILE</c> (default: the first 60,000 characters of this repository's src/GenRnn/Training/*.cs),
    /// <c>--epochs N</c> (default 30, stopping early once the validation loss has not improved for 3 epochs),
    /// <c>--streams N</c> (default 8), <c>--bptt N</c> (default 32),
    /// <c>--temperature T</c> (default 0.6), <c>--length N</c> characters to sample (default 300),
    /// <c>--checkpoint FILE</c> (default ./charlm-output/charlm.ckpt), <c>--resume</c>, <c>--generate PROMPT</c>.
    /// </summary>
    public static int Main(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 150;
        }

        string checkpoint = Path.GetFullPath(Option(args, "--checkpoint") ?? Path.Combine("charlm-output", "charlm.ckpt"));
        float temperature = float.Parse(Option(args, "--temperature") ?? "0.6", CultureInfo.InvariantCulture);
        int length = int.Parse(Option(args, "--length") ?? "300", CultureInfo.InvariantCulture);
        var model = CharLstm.Create();
        if (Option(args, "--generate") is { } prompt)
        {
            if (!File.Exists(checkpoint))
            {
                AnsiConsole.MarkupLine($"[red]No checkpoint at {Markup.Escape(checkpoint)}[/]: train first (without --generate).");
                return 2;
            }

            TrainingPosition position = Checkpoint.Load(checkpoint, model, optimizer: null);
            AnsiConsole.MarkupLine($"Loaded [blue]{Markup.Escape(checkpoint)}[/] (after {position.Epoch} epochs). Temperature {temperature}:");
            Console.WriteLine(prompt + Generate(model, prompt, length, temperature, new Random()));
            return 0;
        }

        string? textPath = Option(args, "--text");
        string text = textPath is not null ? File.ReadAllText(textPath) : RepositorySources();
        int epochs = int.Parse(Option(args, "--epochs") ?? "30", CultureInfo.InvariantCulture);
        int streams = int.Parse(Option(args, "--streams") ?? "8", CultureInfo.InvariantCulture);
        int bptt = int.Parse(Option(args, "--bptt") ?? "32", CultureInfo.InvariantCulture);
        int[] ids = Characters.Encode(text);
        if (ids.Length < 4 * streams)
        {
            AnsiConsole.MarkupLine("[red]The text is too short.[/]");
            return 2;
        }

        // The last 5% validates; the rest is cut into parallel streams, each read in order in chunks of `bptt`
        // steps, the state carried from chunk to chunk (truncated BPTT) and one update per chunk.
        int validLength = Math.Max(2, ids.Length / 20);
        int[] train = ids[..^validLength], valid = ids[^validLength..];
        int per = train.Length / streams;
        List<Sample> training = Enumerable.Range(0, streams)
            .Select(s => train[(s * per)..((s + 1) * per)])
            .Select(s => Sample.FromTokens(s[..^1], s[1..]))
            .ToList();
        List<Sample> validation = [Sample.FromTokens(valid[..^1], valid[1..])];
        AnsiConsole.MarkupLine($"{ids.Length:N0} characters ({Markup.Escape(textPath ?? "src/GenRnn/Training/*.cs")}): {streams} streams of {per - 1:N0} steps, truncated BPTT every {bptt} steps, {CharLstm.ParameterCount:N0} parameters.");

        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        ParameterInitializer.Recommended(CharLstm.Description, model.Parameters, seed: 1);
        var sampling = new Random(1);
        var watch = Stopwatch.StartNew();
        var options = new TrainerOptions
        {
            Loss = LossKind.SoftmaxCrossEntropy,
            Scenario = Scenario.ManyToMany,
            TruncatedSteps = bptt,
            BatchSize = streams,
            Epochs = epochs,
            Shuffle = false,
            Clip = GradientClip.ByNorm(5f),
            EarlyStoppingPatience = 3, // the best epoch's parameters are restored

            CheckpointPath = checkpoint,
            Progress = new Reporter(p =>
            {
                if (!p.EndOfEpoch) return;
                AnsiConsole.MarkupLine($"[bold]epoch {p.Epoch + 1}[/]: training {p.Loss / Math.Log(2):F3} bits/char, validation {p.ValidationLoss / Math.Log(2):F3} bits/char, {watch.Elapsed.TotalSeconds:F0} s");
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(Generate(model, "public ", 160, temperature, sampling).ReplaceLineEndings(" / "))}[/]");
            }),
        };
        using var trainer = new Trainer<CharLstm>(model, new Adam(CharLstm.ParameterCount, 3e-3f), options);
        if (args.Contains("--resume") && File.Exists(checkpoint))
        {
            trainer.LoadCheckpoint(checkpoint);
            AnsiConsole.MarkupLine($"Resumed from [blue]{Markup.Escape(checkpoint)}[/].");
        }

        TrainingReport report = trainer.Fit(training, validation);
        trainer.SaveCheckpoint(checkpoint); // the parameters kept (the best epoch's after an early stop)
        if (report.StoppedEarly)
        {
            AnsiConsole.MarkupLine($"Stopped early: the validation loss was lowest after epoch {report.ValidationLoss.ToList().IndexOf(report.ValidationLoss.Min()) + 1} ({report.ValidationLoss.Min() / Math.Log(2):F3} bits/char); its parameters are restored.");
        }

        AnsiConsole.MarkupLine($"{report.Epochs} epochs, {report.Updates} updates in {watch.Elapsed.TotalSeconds:F1} s; checkpoint [blue]{Markup.Escape(checkpoint)}[/].");
        foreach (float t in new[] { 0.3f, temperature, 1.0f })
        {
            AnsiConsole.MarkupLine($"[bold]temperature {t}[/]:");
            Console.WriteLine("public " + Generate(model, "public ", length, t, sampling));
        }

        return 0;
    }

    /// <summary>Reads <paramref name="prompt"/> into a fresh state, then samples <paramref name="length"/> characters at <paramref name="temperature"/>.</summary>
    public static string Generate(CharLstm model, string prompt, int length, float temperature, Random random)
    {
        int[] ids = Characters.Encode(prompt.Length == 0 ? "\n" : prompt);
        var state = new CharLstm.State();
        Span<float> logits = stackalloc float[CharLstm.OutputSize];
        for (int i = 0; i < ids.Length - 1; i++)
        {
            model.Step(ids[i], ref state, logits);
        }

        var generated = new int[length];
        Decoding.Sample(model, state.AsSpan(), ids[^1], generated, temperature, random);
        return Characters.Decode(generated);
    }

    /// <summary>
    /// The default text: the C# sources of the repository's src/GenRnn/Training, in name order, at most 60,000
    /// characters, found by walking up from the working directory to GenRnn.sln.
    /// </summary>
    private static string RepositorySources()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string folder = Path.Combine(dir.FullName, "src", "GenRnn", "Training");
            if (File.Exists(Path.Combine(dir.FullName, "GenRnn.sln")) && Directory.Exists(folder))
            {
                string all = string.Join("\n", Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal).Select(File.ReadAllText));
                return all.Length > 60_000 ? all[..60_000] : all;
            }
        }

        throw new FileNotFoundException("Run from inside the repository, or give a text with --text FILE.");
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
