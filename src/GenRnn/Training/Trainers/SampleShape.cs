namespace GenRnn.Training;

/// <summary>Step counts of samples and their validation against a model, loss and scenario.</summary>
internal static class SampleShape
{
    /// <summary>Steps the model runs for <paramref name="sample"/> (for one-to-many: one per target).</summary>
    public static int Steps<TModel>(Sample sample, Scenario scenario) where TModel : class, IRecurrentModel<TModel>
    {
        if (scenario == Scenario.OneToMany)
        {
            return sample.Classes?.Length ?? sample.Values!.Length / TModel.OutputSize;
        }

        return sample.Tokens?.Length ?? sample.Inputs!.Length / TModel.InputSize;
    }

    /// <summary>
    /// Throws an ArgumentException naming the sample when it does not fit the model, loss or scenario, or holds a NaN
    /// or infinite input, target value or weight.
    /// </summary>
    public static void Validate<TModel>(Sample sample, int index, LossKind loss, Scenario scenario, string parameter) where TModel : class, IRecurrentModel<TModel>
    {
        void Fail(string what) => throw new ArgumentException($"Sample {index}: {what}.", parameter);

        if (sample is null) Fail("is null");
        if ((sample!.Inputs is null) == (sample.Tokens is null)) Fail("give exactly one of Inputs and Tokens");
        int inputSteps;
        if (sample.Tokens is { } tokens)
        {
            inputSteps = tokens.Length;
            foreach (int token in tokens)
            {
                if ((uint)token >= TModel.VocabularySize) Fail($"token {token} is outside [0, {TModel.VocabularySize})");
            }
        }
        else
        {
            if (sample.Inputs!.Length % TModel.InputSize != 0) Fail($"Inputs hold {sample.Inputs.Length} floats, not a multiple of InputSize {TModel.InputSize}");
            int bad = NonFinite.IndexOf(sample.Inputs);
            if (bad >= 0) Fail($"Inputs[{bad}] is {sample.Inputs[bad]}; inputs must be finite");
            inputSteps = sample.Inputs.Length / TModel.InputSize;
        }

        if (inputSteps == 0) Fail("has no steps");
        bool classes = loss == LossKind.SoftmaxCrossEntropy;
        if (classes ? sample.Classes is null : sample.Values is null) Fail(classes ? "softmax cross-entropy needs Classes" : "this loss needs Values");
        int targets = classes ? sample.Classes!.Length : sample.Values!.Length / TModel.OutputSize;
        if (!classes && sample.Values!.Length % TModel.OutputSize != 0) Fail($"Values hold {sample.Values.Length} floats, not a multiple of OutputSize {TModel.OutputSize}");
        int badValue = loss == LossKind.MeanSquaredError ? NonFinite.IndexOf(sample.Values) : -1; // binary targets: the [0, 1] check below
        if (badValue >= 0) Fail($"Values[{badValue}] is {sample.Values![badValue]}; targets must be finite");
        int expected = scenario switch
        {
            Scenario.ManyToMany => inputSteps,
            Scenario.OneToMany => targets,
            _ => 1,
        };
        if (targets != expected) Fail($"{scenario} needs {expected} target step(s), got {targets}");
        if (targets == 0) Fail("has no target steps");
        if (scenario is Scenario.OneToMany or Scenario.OneToOne && inputSteps != 1) Fail($"{scenario} takes one input step, got {inputSteps}");
        if (scenario == Scenario.OneToMany && sample.Tokens is not null && !classes)
        {
            Fail("one-to-many over token ids feeds the previous class target back as the next token, so it needs softmax cross-entropy and Classes");
        }

        if (scenario == Scenario.OneToMany && sample.Tokens is null && TModel.InputSize != TModel.OutputSize)
        {
            Fail($"one-to-many feeds the previous target back as the input, so InputSize ({TModel.InputSize}) must equal OutputSize ({TModel.OutputSize})");
        }

        if (classes)
        {
            foreach (int c in sample.Classes!)
            {
                if ((uint)c >= TModel.OutputSize) Fail($"class {c} is outside [0, {TModel.OutputSize})");
                if (scenario == Scenario.OneToMany && sample.Tokens is not null && (uint)c >= TModel.VocabularySize) Fail($"class {c} is fed back as a token but is outside the vocabulary");
            }
        }

        if (loss == LossKind.SigmoidBinaryCrossEntropy)
        {
            foreach (float v in sample.Values!)
            {
                if (!(v >= 0 && v <= 1)) Fail($"binary cross-entropy targets must lie in [0, 1], got {v}");
            }
        }

        if (sample.Weights is { } weights)
        {
            if (weights.Length != targets) Fail($"Weights hold {weights.Length} values, expected one per target step ({targets})");
            foreach (float w in weights)
            {
                if (!(w >= 0) || float.IsInfinity(w)) Fail("weights must be finite and non-negative");
            }
        }
    }
}
