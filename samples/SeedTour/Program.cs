using System.Diagnostics;
using Spectre.Console;
using SeedTour.Experiments;

namespace SeedTour;

/// <summary>
/// The seed tour: four classic recurrent-network experiments trained with GenRnn on data generated on the fly, a
/// summary table, loss curves as PNGs, and a streaming run of a small LSTM.
/// </summary>
public static class Program
{
    private static readonly string[] All = ["parity", "adding", "exploding", "reber"];

    /// <summary>
    /// Options: <c>--quick</c> (tiny sizes: proves it runs), <c>--short</c> (the sizes the tests use),
    /// <c>--out DIR</c> (where the PNGs go, default
    /// ./seedtour-output), <c>--only a,b</c> (parity, adding, exploding, reber), <c>--seed N</c>.
    /// </summary>
    public static int Main(string[] args)
    {
        TourSize size = args.Contains("--quick") ? TourSize.Quick : args.Contains("--short") ? TourSize.Short : TourSize.Full;
        string output = Path.GetFullPath(Option(args, "--out") ?? "seedtour-output");
        string[] only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? All;
        int seed = int.Parse(Option(args, "--seed") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        if (only.Except(All).FirstOrDefault() is { } unknown)
        {
            AnsiConsole.MarkupLine($"[red]Unknown experiment '{Markup.Escape(unknown)}'[/]; choose from {string.Join(", ", All)}.");
            return 2;
        }

        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 150; // a log file: room for the table on one line per row
        }

        AnsiConsole.MarkupLine($"[bold]GenRnn seed tour[/] ({size.ToString().ToLowerInvariant()} size, seed {seed}); plots go to [blue]{Markup.Escape(output)}[/]");
        var watch = Stopwatch.StartNew();
        var results = new List<IExperimentResult>();
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var progress = new SpectreProgress(context);
                foreach (string name in All.Where(only.Contains))
                {
                    results.Add(name switch
                    {
                        "parity" => Parity.Run(size, progress, seed),
                        "adding" => Adding.Run(size, progress, seed),
                        "exploding" => Exploding.Run(size, progress, seed),
                        _ => Reber.Run(size, progress, seed),
                    });
                }
            });

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Summary[/]");
        table.AddColumns("Experiment", "Model", "Measured", "Value", "Expected");
        foreach (IExperimentResult result in results)
        {
            foreach (SummaryRow row in result.Rows)
            {
                table.AddRow(Markup.Escape(row.Experiment), Markup.Escape(row.Model), Markup.Escape(row.Metric), $"[bold]{Markup.Escape(row.Value)}[/]", Markup.Escape(row.Expected));
            }

            table.AddEmptyRow();
        }

        AnsiConsole.Write(table);
        foreach (IExperimentResult result in results)
        {
            string path = Plots.Save(result, output);
            AnsiConsole.MarkupLine($"{Markup.Escape(result.Name),-10} {result.Seconds,6:F1} s   loss curves: [blue]{Markup.Escape(path)}[/]");
        }

        AnsiConsole.MarkupLine($"Training took {watch.Elapsed.TotalSeconds:F1} s in all.");

        // Streaming: what a generated model costs per step once trained (here randomly initialised).
        StreamingResult stream = AmpStreaming.Run(size == TourSize.Quick ? 4_800 : 48_000);
        AnsiConsole.MarkupLine($"[bold]Streaming[/] {AmpModel.Description.Name} (LSTM 1->16, dense 1, {AmpModel.ParameterCount} parameters): " +
            $"{stream.Steps} samples of 48 kHz audio one at a time in {stream.Milliseconds:F1} ms, {stream.NanosecondsPerStep:F0} ns per step " +
            $"(real-time factor {stream.Milliseconds / 1000 / (stream.Steps / 48_000.0):F4}), {stream.BytesAllocated} bytes allocated.");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>One Spectre progress bar per training run, its description showing the latest loss.</summary>
    private sealed class SpectreProgress(ProgressContext context) : ITourProgress
    {
        public IRunProgress Begin(string name, double total) => new Bar(context.AddTask(Markup.Escape(name), maxValue: total), name);

        private sealed class Bar(ProgressTask task, string name) : IRunProgress
        {
            public void Report(double done, double loss)
            {
                task.Value = done;
                task.Description = $"{Markup.Escape(name)} [grey]loss {loss:G3}[/]";
            }

            public void Finish(string status)
            {
                task.Value = task.MaxValue;
                task.Description = $"{Markup.Escape(name)}: [green]{Markup.Escape(status)}[/]";
                task.StopTask();
            }
        }
    }
}
