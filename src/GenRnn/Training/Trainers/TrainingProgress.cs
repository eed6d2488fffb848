namespace GenRnn.Training;

/// <summary>A progress report of a training run.</summary>
/// <param name="Epoch">
/// The epoch the report belongs to, counted from 0 (an index, as the epoch e of <see cref="LearningRateSchedule"/>):
/// the first epoch's reports, including the one that closes it, have Epoch 0. For a count of finished epochs (1
/// after the first, as <see cref="TrainingPosition.Epoch"/> counts) use <see cref="EpochsCompleted"/>.
/// </param>
/// <param name="Update">Updates made so far (<see cref="Trainer{TModel}.Updates"/>, which a loaded checkpoint restores).</param>
/// <param name="Loss">Mean training loss of the epoch so far.</param>
/// <param name="ValidationLoss">Validation loss at the end of the epoch, or NaN.</param>
/// <param name="SequencesPerSecond">Training sequences processed per second in this epoch.</param>
/// <param name="LearningRate">The current learning rate.</param>
/// <param name="EndOfEpoch">Whether the report closes an epoch.</param>
public readonly record struct TrainingProgress(int Epoch, long Update, double Loss, double ValidationLoss, double SequencesPerSecond, double LearningRate, bool EndOfEpoch)
{
    /// <summary>
    /// Epochs finished when the report was made, counting those before a loaded checkpoint: <see cref="Epoch"/> + 1 for
    /// a report that closes an epoch (1 after the first), <see cref="Epoch"/> within an epoch.
    /// </summary>
    public int EpochsCompleted => EndOfEpoch ? Epoch + 1 : Epoch;
}

/// <summary>The outcome of <see cref="Trainer{TModel}.Fit"/>.</summary>
/// <param name="Epochs">Epochs completed by this call.</param>
/// <param name="Updates">Updates made so far, including those before a loaded checkpoint (<see cref="Trainer{TModel}.Updates"/>).</param>
/// <param name="TrainingLoss">Mean training loss per epoch.</param>
/// <param name="ValidationLoss">Validation loss per epoch (empty without validation data).</param>
/// <param name="StoppedEarly">Whether early stopping ended the run (the best parameters were restored).</param>
public sealed record TrainingReport(int Epochs, long Updates, IReadOnlyList<double> TrainingLoss, IReadOnlyList<double> ValidationLoss, bool StoppedEarly);

/// <summary>Loss and accuracy of a model on a set of sequences.</summary>
/// <param name="Loss">Mean loss over sequences.</param>
/// <param name="Accuracy">Fraction of target steps predicted right (arg-max class, or 0.5 threshold), NaN for mean squared error.</param>
public readonly record struct Evaluation(double Loss, double Accuracy);
