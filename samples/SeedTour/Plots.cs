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
}
