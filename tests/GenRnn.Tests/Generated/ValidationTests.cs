using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>Public entry points reject wrong lengths, tokens and traces before writing anything.</summary>
public class ValidationTests
{
    private static Lstm8x16 NewModel()
    {
        var model = new Lstm8x16();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (float)Math.Cos(i) * 0.2f;
        }

        return model;
    }

    [Fact]
    public void StepRejectsWrongLengthsWithoutWriting()
    {
        var model = NewModel();
        var state = Enumerable.Repeat(0.5f, Lstm8x16.StateSize).ToArray();
        var output = Enumerable.Repeat(7f, Lstm8x16.OutputSize).ToArray();
        float[] stateBefore = state.ToArray();

        AssertParam("input", () => model.Step(new float[Lstm8x16.InputSize - 1], state, output));
        AssertParam("state", () => model.Step(new float[Lstm8x16.InputSize], new float[Lstm8x16.StateSize + 1], output));
        AssertParam("output", () => model.Step(new float[Lstm8x16.InputSize], state, new float[1]));
        Assert.Equal(stateBefore, state);
        Assert.All(output, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void ForwardRejectsPartialStepsAndShortOutputs()
    {
        var model = NewModel();
        var state = new float[Lstm8x16.StateSize];
        AssertParam("inputs", () => model.Forward(new float[Lstm8x16.InputSize * 3 + 1], state, new float[3 * Lstm8x16.OutputSize]));
        AssertParam("inputs", () => model.Forward(ReadOnlySpan<float>.Empty, state, Span<float>.Empty));
        AssertParam("outputs", () => model.Forward(new float[Lstm8x16.InputSize * 3], state, new float[2 * Lstm8x16.OutputSize]));
        Assert.All(state, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TokensOutsideTheVocabularyThrowBeforeAnyStep()
    {
        var model = new LstmLm();
        var state = Enumerable.Repeat(0.25f, LstmLm.StateSize).ToArray();
        var outputs = new float[3 * LstmLm.OutputSize];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new[] { 1, 2, LstmLm.VocabularySize }, state, outputs));
        Assert.Equal("tokens", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new[] { -1, 2, 3 }, state, outputs));
        Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(-1, state, new float[LstmLm.OutputSize])).ParamName);
        Assert.All(state, v => Assert.Equal(0.25f, v));
        Assert.All(outputs, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void BackwardChecksTraceAndGradientLengths()
    {
        var model = NewModel();
        var other = new Gru8x16();
        var state = new float[Lstm8x16.StateSize];
        var outputs = new float[4 * Lstm8x16.OutputSize];
        var inputs = new float[4 * Lstm8x16.InputSize];
        var dstate = new float[Lstm8x16.StateSize];
        Trace trace = model.CreateTrace();

        AssertParam("trace", () => model.Backward(trace, outputs, dstate, inputs, model.Gradients)); // nothing recorded yet
        AssertParam("trace", () => model.Forward(inputs, state, outputs, other.CreateTrace()));
        model.Forward(inputs, state, outputs, trace);
        AssertParam("outputGradients", () => model.Backward(trace, new float[5], dstate, inputs, model.Gradients));
        AssertParam("stateGradient", () => model.Backward(trace, outputs, new float[3], inputs, model.Gradients));
        AssertParam("inputGradients", () => model.Backward(trace, outputs, dstate, new float[3], model.Gradients));
        AssertParam("gradients", () => model.Backward(trace, outputs, dstate, inputs, new float[10]));
        Assert.All(model.Gradients, g => Assert.Equal(0f, g));

        // Backward overwrites the recorded gates with their gradients, so a trace serves one Backward.
        model.Backward(trace, outputs, dstate, inputs, model.Gradients);
        float[] after = model.Gradients.ToArray();
        Assert.Contains("already used", Assert.Throws<ArgumentException>(() => model.Backward(trace, outputs, new float[Lstm8x16.StateSize], inputs, model.Gradients)).Message);
        Assert.Equal(after, model.Gradients);
    }

    [Fact]
    public void ImportRejectsMissingUnusedAndMisShapedTensorsAndLeavesParametersUnchanged()
    {
        var model = NewModel();
        float[] before = model.Parameters.ToArray();
        List<NamedTensor> tensors = model.ExportParameters();

        var missing = tensors.Where(t => t.Name != "bias_hh_l0").ToList();
        Assert.Contains("missing tensor 'bias_hh_l0' [64]", Assert.Throws<ArgumentException>(() => model.ImportParameters(missing)).Message);

        var unused = tensors.Append(new NamedTensor("weight_ih_l1", new[] { 64, 16 }, new float[64 * 16])).ToList();
        Assert.Contains("unused tensor 'weight_ih_l1'", Assert.Throws<ArgumentException>(() => model.ImportParameters(unused)).Message);

        var misShaped = tensors.Select(t => t.Name == "weight_hh_l0" ? new NamedTensor(t.Name, new[] { 16, 64 }, t.Data) : t).ToList();
        Assert.Contains("tensor 'weight_hh_l0' has shape [16, 64], expected [64, 16]", Assert.Throws<ArgumentException>(() => model.ImportParameters(misShaped)).Message);

        var zeros = tensors.Select(t => t with { Data = new float[t.Data.Length] }).ToList();
        zeros.RemoveAt(0);
        Assert.Throws<ArgumentException>(() => model.ImportParameters(zeros));
        Assert.Equal(before, model.Parameters);
    }

    [Fact]
    public void ExportThenImportRoundTripsWithAPrefix()
    {
        var model = NewModel();
        List<NamedTensor> exported = model.ExportParameters("lstm.");
        Assert.All(exported, t => Assert.StartsWith("lstm.", t.Name));
        var copy = new Lstm8x16();
        copy.ImportParameters(exported, "lstm.");
        Assert.Equal(model.Parameters, copy.Parameters);

        // PyTorch layout: weight_ih_l0[r, c] is the c-th input's weight into gate row r.
        NamedTensor wih = exported.Single(t => t.Name == "lstm.weight_ih_l0");
        ParameterTensor described = Lstm8x16.Description.Find("weight_ih_l0")!;
        Assert.Equal(new[] { 64, 8 }, wih.Shape);
        Assert.Equal(model.Parameters[described.Offset + 3 * 64 + 5], wih.Data[5 * 8 + 3]);
    }

    private static void AssertParam(string name, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(name, e.ParamName);
    }
}
