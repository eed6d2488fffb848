namespace GenRnn.Training;

/// <summary>The loss a trainer minimises; fused with the head's activation where that is exact.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy over class ids. The head must be Identity (logits) or Softmax.</summary>
    SoftmaxCrossEntropy = 0,

    /// <summary>Sigmoid binary cross-entropy over 0..1 targets. The head must be Identity (logits) or Sigmoid.</summary>
    SigmoidBinaryCrossEntropy = 1,

    /// <summary>Mean squared error between outputs and targets, any head.</summary>
    MeanSquaredError = 2,
}
