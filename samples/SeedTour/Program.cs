using System.Diagnostics;
using Spectre.Console;
using SeedTour.Experiments;

namespace SeedTour;

/// <summary>
/// The seed tour: four classic recurrent-network experiments and the LSTM variants of Greff et al., trained with
/// GenRnn on data generated on the fly, a summary table, loss curves as PNGs, and a streaming run of a small LSTM.
/// </summary>
public static class Program
{
    private static readonly string[] All = ["parity", "adding", "exploding", "reber", "variants"];

    /// <summary>
    /// Options: <c>--quick</c> (tiny sizes: proves it runs), <c>--short</c> (the sizes the tests use),
    /// <c>--out DIR</c> (where the PNGs go, default
    /// ./seedtour-output), <c>--only a,b</c> (parity, adding, exploding, reber, variants), <c>--seed N</c>, <c>--help</c>.
    /// </summary>
    public static int Main(string[] args)
    {
        var cli = new GenRnn.Samples.SampleArguments("SeedTour", "Four classic recurrent-network experiments (parity, adding, exploding gradients, embedded Reber), the LSTM variants of Greff et al. compared over several seeds, a summary table, PNGs and a streaming run.");
        var quickOption = cli.Flag("--quick", "tiny sizes for a fast smoke run: proves it runs, not meant to reach the Expected column");
        var shortOption = cli.Flag("--short", "the sizes the tests use (a few seconds per experiment; reaches the thresholds the tests check)");
        var outOption = cli.Text("--out", "DIR", "seedtour-output", "where the PNGs go (default ./seedtour-output)");
        var onlyOption = cli.Text("--only", "a,b", null, $"experiments to run, from {string.Join(", ", All)} (default all)",
            text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names
                ? names.Except(All).FirstOrDefault() is { } unknown ? $"unknown experiment '{unknown}'; choose from {string.Join(", ", All)}" : null
                : "needs at least one experiment");
        var seedOption = cli.Int("--seed", 1, "random seed", int.MinValue, int.MaxValue);
        cli.Note("Without --quick or --short the full sizes run (several minutes on two cores).");
        if (cli.Parse(args) is int exit) return exit;
        if (quickOption.Value && shortOption.Value) return cli.Fail("choose one of --quick and --short");
        TourSize size = quickOption.Value ? TourSize.Quick : shortOption.Value ? TourSize.Short : TourSize.Full;
        string output = Path.GetFullPath(outOption.Value!);
        string[] only = onlyOption.Value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? All;
        int seed = seedOption.Value;
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
                        "reber" => Reber.Run(size, progress, seed),
                        _ => Variants.Run(size, progress, seed),
                    });
                }
            });

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Summary[/]");
        table.AddColumns("Experiment", "Model", "Measured", "Value", size == TourSize.Quick ? "Expected (not at --quick sizes)" : "Expected");
        foreach (IExperimentResult result in results)
        {
            foreach (SummaryRow row in result.Rows)
            {
                table.AddRow(Markup.Escape(row.Experiment), Markup.Escape(row.Model), Markup.Escape(row.Metric), $"[bold]{Markup.Escape(row.Value)}[/]", Markup.Escape(row.Expected));
            }

            table.AddEmptyRow();
        }

        AnsiConsole.Write(table);
        if (size == TourSize.Quick)
        {
            AnsiConsole.MarkupLine("[yellow]--quick sizes are for a fast smoke run: the Expected column is not meant to be reached; use --short or the full run for that.[/]");
        }

        foreach (VariantsResult variants in results.OfType<VariantsResult>())
        {
            WriteVariants(variants);
        }

        foreach (IExperimentResult result in results)
        {
            string path = Plots.Save(result, output);
            AnsiConsole.MarkupLine($"{Markup.Escape(result.Name),-10} {result.Seconds,6:F1} s   {(result is VariantsResult ? "scores" : "loss curves")}: [blue]{Markup.Escape(path)}[/]");
        }

        AnsiConsole.MarkupLine($"Training took {watch.Elapsed.TotalSeconds:F1} s in all.");

        // Streaming: what a generated model costs per step once trained (here randomly initialised).
        StreamingResult stream = AmpStreaming.Run(size == TourSize.Quick ? 4_800 : 48_000);
        AnsiConsole.MarkupLine($"[bold]Streaming[/] {AmpModel.Description.Name} (LSTM 1->16, dense 1, {AmpModel.ParameterCount} parameters): " +
            $"{stream.Steps} samples of 48 kHz audio one at a time in {stream.Milliseconds:F1} ms, {stream.NanosecondsPerStep:F0} ns per step " +
            $"(real-time factor {stream.Milliseconds / 1000 / (stream.Steps / 48_000.0):F4}), {stream.BytesAllocated} bytes allocated.");
        return 0;
    }

    /// <summary>The variants' table: every figure as mean ± std (min-max) over the seeds, and the variants not available yet.</summary>
    private static void WriteVariants(VariantsResult result)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]LSTM variants[/], embedded Reber grammar: {result.TrainStrings} training strings (continual: in streams of 20), {result.Epochs} epochs each, {result.Seeds} seeds, {result.TestStrings} test strings; mean ± std (min-max)");
        table.AddColumns("Variant", "Change", "Parameters", "Strings right at every step", "Test cross-entropy (nats/symbol)", "Continual: allowed predictions", "Continual: strings before the first error", "Greff et al. 2016");
        foreach (VariantScore score in result.Scores)
        {
            table.AddRow(Markup.Escape(score.Name), Markup.Escape(score.Spec.Change), $"{score.Parameters:N0}", $"[bold]{Markup.Escape(score.Of(r => r.Strings).Percent())}[/]",
                Markup.Escape(score.Of(r => r.CrossEntropy).Plain()), Markup.Escape(score.Of(r => r.Continual).Percent()), Markup.Escape(score.Of(r => r.ContinualStrings).Percent()),
                Markup.Escape(Variants.Greff(score.Name)));
        }

        AnsiConsole.Write(table);
        if (result.NotAvailable.Count > 0)
        {
            AnsiConsole.MarkupLine("[yellow]Not available yet:[/] " + Markup.Escape(string.Join("; ", result.NotAvailable.Select(v => $"{v.Name} ({v.Change}): {v.Missing}"))));
        }
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
