using GenRnn;
using GenRnn.Training;

namespace SeedTour.Experiments;

/// <summary>How big an experiment runs: the full tour, a CI-sized run, or a tiny smoke run.</summary>
public enum TourSize
{
    /// <summary>The sizes the README's figures come from (the whole tour in about five minutes on two cores).</summary>
    Full = 0,

    /// <summary>Shorter runs that still reach the targets; what the sample tests use.</summary>
    Short = 1,

    /// <summary>Tiny sizes and epochs (<c>--quick</c>): proves every code path runs, not that anything learns.</summary>
    Quick = 2,
}

/// <summary>Receives the progress of the training runs of an experiment.</summary>
public interface ITourProgress
{
    /// <summary>Starts a run of <paramref name="total"/> units (epochs or updates).</summary>
    IRunProgress Begin(string name, double total);
}

/// <summary>The progress of one training run.</summary>
public interface IRunProgress
{
    /// <summary>Sets the units done and the latest loss.</summary>
    void Report(double done, double loss);

    /// <summary>Ends the run with a short status.</summary>
    void Finish(string status);
}

/// <summary>Discards every report (tests).</summary>
public sealed class NoProgress : ITourProgress, IRunProgress
{
    /// <summary>The shared instance.</summary>
    public static NoProgress Instance { get; } = new();

    /// <inheritdoc/>
    public IRunProgress Begin(string name, double total) => this;

    /// <inheritdoc/>
    public void Report(double done, double loss)
    {
    }

    /// <inheritdoc/>
    public void Finish(string status)
    {
    }
}

/// <summary>A loss curve: x (epoch or update) and loss.</summary>
/// <param name="Label">The model or setting.</param>
/// <param name="X">Epochs or updates.</param>
/// <param name="Loss">The loss at each x.</param>
public sealed record LossCurve(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Loss);

/// <summary>One line of the summary table.</summary>
/// <param name="Experiment">The experiment.</param>
/// <param name="Model">The model or setting.</param>
/// <param name="Metric">What was measured.</param>
/// <param name="Value">The figure, formatted.</param>
/// <param name="Expected">What the literature leads one to expect.</param>
public sealed record SummaryRow(string Experiment, string Model, string Metric, string Value, string Expected);

/// <summary>What every experiment returns: rows for the table and curves for the plots.</summary>
public interface IExperimentResult
{
    /// <summary>The experiment's name (also the PNG's file name).</summary>
    string Name { get; }

    /// <summary>The plot's title and axis labels.</summary>
    (string Title, string XLabel, string YLabel, bool LogY) Plot { get; }

    /// <summary>Lines of the summary table.</summary>
    IReadOnlyList<SummaryRow> Rows { get; }

    /// <summary>Loss curves to plot.</summary>
    IReadOnlyList<LossCurve> Curves { get; }

    /// <summary>Seconds the experiment took.</summary>
    double Seconds { get; }
}

/// <summary>Helpers shared by the experiments.</summary>
internal static class Run
{
    /// <summary>A model initialised with <see cref="ParameterInitializer.Recommended"/>.</summary>
    public static TModel NewModel<TModel>(int seed) where TModel : class, IRecurrentModel<TModel>
    {
        TModel model = TModel.Create();
        ParameterInitializer.Recommended(TModel.Description, model.Parameters, seed);
        return model;
    }

    /// <summary>Formats a fraction as a percentage.</summary>
    public static string Percent(double fraction) => double.IsNaN(fraction) ? "n/a" : $"{100 * fraction:F1}%";
}
