using ScottPlot;
using SeedTour.Experiments;

namespace SeedTour;

/// <summary>Writes an experiment's loss curves as a PNG with ScottPlot (headless).</summary>
public static class Plots
{
    /// <summary>Saves <paramref name="result"/>'s curves to <c>{folder}/{name}.png</c> and returns the path.</summary>
    public static string Save(IExperimentResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        if (result is VariantsResult variants)
        {
            return SaveVariants(variants, folder);
        }

        var plot = new Plot();
        (string title, string xLabel, string yLabel, bool logY) = result.Plot;
        foreach (LossCurve curve in result.Curves)
        {
            // A log axis in ScottPlot 5 plots log10 of the data with tick labels that undo it.
            var points = curve.X.Zip(curve.Loss).Where(p => double.IsFinite(p.Second) && (!logY || p.Second > 0)).ToArray();
            double[] xs = points.Select(p => p.First).ToArray();
            double[] ys = points.Select(p => logY ? Math.Log10(p.Second) : p.Second).ToArray();
            if (xs.Length == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = curve.Label;
            line.LineWidth = 2;
        }

        if (logY)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => $"1e{y:0}",
            };
            plot.Axes.Left.TickGenerator = ticks;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"{yLabel} (log scale)" : yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        string path = Path.Combine(folder, $"{result.Name}.png");
        plot.SavePng(path, 900, 540);
        return path;
    }

    /// <summary>
    /// The variants as pairs of bars, the mean over the seeds with a ± one standard deviation error bar and each
    /// seed's figure as a dot: test strings right at every step (strings from a zero state), and allowed predictions
    /// in the continual task (test strings back to back, never reset).
    /// </summary>
    private static string SaveVariants(VariantsResult result, string folder)
    {
        var plot = new Plot();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        (string Label, Func<VariantRun, double> Figure, double Offset, Color Fill)[] series =
        [
            ("strings right at every step (reset per string)", r => r.Strings, -0.2, Colors.SteelBlue),
            ("continual: allowed predictions (never reset)", r => r.Continual, 0.2, Colors.Orange),
        ];
        foreach (var (label, figure, offset, fill) in series)
        {
            var bars = new List<Bar>();
            for (int k = 0; k < result.Scores.Count; k++)
            {
                Spread spread = result.Scores[k].Of(figure);
                bars.Add(new Bar { Position = k + offset, Value = 100 * spread.Mean, Error = 100 * spread.Std, Size = 0.38, FillColor = fill });
            }

            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = label;
            double[] xs = result.Scores.SelectMany((s, k) => s.Runs.Select(_ => k + offset)).ToArray();
            double[] ys = result.Scores.SelectMany(s => s.Runs.Select(r => 100 * figure(r))).ToArray();
            var dots = plot.Add.Markers(xs, ys);
            dots.MarkerSize = 5;
            dots.Color = Colors.Black;
        }

        for (int k = 0; k < result.Scores.Count; k++)
        {
            ticks.AddMajor(k, result.Scores[k].Name);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsY(0, 115);
        (string title, string xLabel, _, _) = result.Plot;
        plot.Title($"{title}: {result.Seeds} seeds, {result.Epochs} epochs each (bars: mean ± std; dots: seeds)");
        plot.XLabel(xLabel);
        plot.YLabel("test score (%)");
        plot.ShowLegend(Alignment.UpperRight);
        string path = Path.Combine(folder, $"{result.Name}.png");
        plot.SavePng(path, 1000, 560);
        return path;
    }
}
