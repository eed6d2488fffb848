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
    /// Options: <c>--text FILE</c> (default: the first 60,000 characters of this repository's src/GenRnn/Training/**/*.cs),
    /// <c>--epochs N</c> (default 30, stopping early once the validation loss has not improved for 3 epochs),
    /// <c>--streams N</c> (default 8), <c>--bptt N</c> (default 32),
    /// <c>--temperature T</c> (default 0.6), <c>--length N</c> characters to sample (default 300),
    /// <c>--checkpoint FILE</c> (default ./charlm-output/charlm.ckpt), <c>--resume</c> (<c>--epochs</c> stays the total, counting the checkpoint's epochs), <c>--generate PROMPT</c>, <c>--help</c>.
    /// </summary>
    public static int Main(string[] args)
    {
        var cli = new GenRnn.Samples.SampleArguments("CharLm", "Trains a character-level LSTM language model with truncated BPTT and samples text from it; --generate continues a prompt from the checkpoint.");
        var textOption = cli.Text("--text", "FILE", null, "text to train on (default: the first 60,000 characters of src/GenRnn/Training/**/*.cs)", GenRnn.Samples.SampleArguments.ExistingFiles);
        var epochsOption = cli.Int("--epochs", 30, "epochs in total, counting those a --resume checkpoint has done; stops early once validation has not improved for 3", 1, 100_000);
        var streamsOption = cli.Int("--streams", 8, "parallel streams (the batch size)", 1, 4096);
        var bpttOption = cli.Int("--bptt", 32, "steps per truncated-BPTT chunk", 1, 100_000);
        var temperatureOption = cli.Number("--temperature", "T", 0.6, "sampling temperature", 0.01, 100);
        var lengthOption = cli.Int("--length", 300, "characters to sample", 1, 1_000_000);
        var checkpointOption = cli.Text("--checkpoint", "FILE", Path.Combine("charlm-output", "charlm.ckpt"), $"checkpoint written after every epoch (default {Path.Combine("charlm-output", "charlm.ckpt")})");
        var resumeOption = cli.Flag("--resume", "continue from the checkpoint if it exists: --epochs is the total, so --epochs 30 after 20 trains 10 more");
        var generateOption = cli.Text("--generate", "PROMPT", null, "only continue PROMPT from the checkpoint, without training");
        cli.Note("Small sizes (e.g. the tests' --text tiny.txt --epochs 2 --streams 4 --bptt 16) are for a fast smoke run and produce gibberish.");
        if (cli.Parse(args) is int exit) return exit;
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 150;
        }

        string checkpoint = Path.GetFullPath(checkpointOption.Value!);
        float temperature = (float)temperatureOption.Value;
        int length = lengthOption.Value;
        var model = CharLstm.Create();
        if (generateOption.Value is { } prompt)
        {
            if (!File.Exists(checkpoint))
            {
                return cli.Fail($"no checkpoint at {checkpoint}: train first (without --generate)");
            }

            TrainingPosition position = Checkpoint.Load(checkpoint, model, optimizer: null);
            AnsiConsole.MarkupLine($"Loaded [blue]{Markup.Escape(checkpoint)}[/] (after {position.Epoch} epochs). Temperature {temperature}:");
            Console.WriteLine(prompt + Generate(model, prompt, length, temperature, new Random()));
            return 0;
        }

        string? textPath = textOption.Value;
        string text = textPath is not null ? File.ReadAllText(textPath) : RepositorySources();
        int epochs = epochsOption.Value;
        int streams = streamsOption.Value;
        int bptt = bpttOption.Value;
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
        AnsiConsole.MarkupLine($"{ids.Length:N0} characters ({Markup.Escape(textPath ?? "src/GenRnn/Training/**/*.cs")}): {streams} streams of {per - 1:N0} steps, truncated BPTT every {bptt} steps, {CharLstm.ParameterCount:N0} parameters.");

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
            Clip = GradientClip.ByNorm(5),
            EarlyStoppingPatience = 3, // the best epoch's parameters are restored

            CheckpointPath = checkpoint,
            OnProgress = p =>
            {
                if (!p.EndOfEpoch) return;
                AnsiConsole.MarkupLine($"[bold]epoch {p.EpochsCompleted}[/]: training {p.Loss / Math.Log(2):F3} bits/char, validation {p.ValidationLoss / Math.Log(2):F3} bits/char, {watch.Elapsed.TotalSeconds:F0} s");
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(Generate(model, "public ", 160, temperature, sampling).ReplaceLineEndings(" / "))}[/]");
            },
        };
        using var trainer = new Trainer<CharLstm>(model, new Adam(CharLstm.ParameterCount, 3e-3), options);
        if (resumeOption.Value && File.Exists(checkpoint))
        {
            trainer.LoadCheckpoint(checkpoint);
            int done = Checkpoint.Load(checkpoint, CharLstm.Create(), optimizer: null).Epoch;
            AnsiConsole.MarkupLine($"Resumed from [blue]{Markup.Escape(checkpoint)}[/] after {done} epochs; --epochs {epochs} is the total, so {Math.Max(0, epochs - done)} more.");
        }
        else
        {
            AnsiConsole.MarkupLine($"Training for {epochs} epochs (--epochs is the total; with --resume it counts the checkpoint's epochs).");
        }

        TrainingReport report = trainer.Fit(training, validation);
        trainer.SaveCheckpoint(checkpoint); // the parameters kept (the best epoch's after an early stop)
        if (report.StoppedEarly)
        {
            AnsiConsole.MarkupLine($"Stopped early: the validation loss was lowest after epoch {report.ValidationLoss.ToList().IndexOf(report.ValidationLoss.Min()) + 1} ({report.ValidationLoss.Min() / Math.Log(2):F3} bits/char); its parameters are restored.");
        }

        AnsiConsole.MarkupLine($"{report.Epochs} epochs in this run ({Checkpoint.Load(checkpoint, CharLstm.Create(), optimizer: null).Epoch} in total), {report.Updates} updates in total, in {watch.Elapsed.TotalSeconds:F1} s; checkpoint [blue]{Markup.Escape(checkpoint)}[/].");
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
    /// The default text: the C# sources of the repository's src/GenRnn/Training and its subfolders, in file name order, at most 60,000
    /// characters, found by walking up from the working directory to GenRnn.sln.
    /// </summary>
    private static string RepositorySources()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string folder = Path.Combine(dir.FullName, "src", "GenRnn", "Training");
            if (File.Exists(Path.Combine(dir.FullName, "GenRnn.sln")) && Directory.Exists(folder))
            {
                string all = string.Join("\n", Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories).OrderBy(Path.GetFileName, StringComparer.Ordinal).Select(File.ReadAllText));
                return all.Length > 60_000 ? all[..60_000] : all;
            }
        }

        throw new FileNotFoundException("Run from inside the repository, or give a text with --text FILE.");
    }
}
