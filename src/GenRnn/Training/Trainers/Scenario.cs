namespace GenRnn.Training;

/// <summary>How a sequence's inputs and targets line up in time.</summary>
public enum Scenario
{
    /// <summary>A target at every step (language modelling, tagging).</summary>
    ManyToMany = 0,

    /// <summary>One target at the last step (sentiment, parity).</summary>
    ManyToOne = 1,

    /// <summary>
    /// One input, then a target at every step; in training the previous target is fed back as the next input
    /// (teacher forcing): a token id, a one-hot vector of a class, or the previous target vector.
    /// </summary>
    OneToMany = 2,

    /// <summary>One input step, one target.</summary>
    OneToOne = 3,
}
