using GenRnn.Tests.Golden;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Generated;

/// <summary>
/// The generated float32 code against PyTorch's golden values: every layer case (outputs, final states, loss and every
/// gradient) and every model case (embedding, recurrent layer, softmax head, cross-entropy and every gradient).
/// </summary>
public sealed class GoldenTests
{
    private static readonly Tolerance Float = Tolerance.Float;

    /// <summary>
    /// Puts a case's tensors (PyTorch names and layout) into a model's parameter buffer some other way than
    /// <c>ImportParameters</c>, e.g. through a file.
    /// </summary>
    internal delegate void ParameterSource(ModelDescription description, IReadOnlyList<NamedTensor> tensors, float[] parameters);

    /// <summary>Each layer case's check with its generated model; null source = the model's ImportParameters.</summary>
    internal static readonly Dictionary<string, Action<GoldenLayerCase, ParameterSource?>> LayerModels = new()
    {
        ["shared-rnn_tanh-3x5x7"] = RunLayerCase<Rnn3x5>,
        ["shared-rnn_tanh-8x16x6"] = RunLayerCase<Rnn8x16>,
        ["shared-rnn_tanh-17x33x4"] = RunLayerCase<Rnn17x33>,
        ["shared-rnn_tanh-2layers"] = RunLayerCase<RnnTwoLayers>,
        ["shared-lstm-3x5x7"] = RunLayerCase<Lstm3x5>,
        ["shared-lstm-8x16x6"] = RunLayerCase<Lstm8x16>,
        ["shared-lstm-17x33x4"] = RunLayerCase<Lstm17x33>,
        ["shared-lstm-2layers"] = RunLayerCase<LstmTwoLayers>,
        ["shared-lstm_nofg-3x5x7"] = RunLayerCase<Lstm19973x5>,
        ["shared-lstm_nofg-8x16x6"] = RunLayerCase<Lstm19978x16>,
        ["shared-lstm_nofg-17x33x4"] = RunLayerCase<Lstm199717x33>,
        ["shared-lstm_nofg-2layers"] = RunLayerCase<Lstm1997TwoLayers>,
        ["shared-lstm_peephole-3x5x7"] = RunLayerCase<PeepholeLstm3x5>,
        ["shared-lstm_peephole-8x16x6"] = RunLayerCase<PeepholeLstm8x16>,
        ["shared-lstm_peephole-17x33x4"] = RunLayerCase<PeepholeLstm17x33>,
        ["shared-lstm_peephole-2layers"] = RunLayerCase<PeepholeLstmTwoLayers>,
        ["shared-gru-3x5x7"] = RunLayerCase<Gru3x5>,
        ["shared-gru-8x16x6"] = RunLayerCase<Gru8x16>,
        ["shared-gru-17x33x4"] = RunLayerCase<Gru17x33>,
        ["shared-gru-2layers"] = RunLayerCase<GruTwoLayers>,
        ["shared-gru_cho-3x5x7"] = RunLayerCase<GruCho3x5>,
        ["shared-gru_cho-8x16x6"] = RunLayerCase<GruCho8x16>,
        ["shared-gru_cho-17x33x4"] = RunLayerCase<GruCho17x33>,
        ["shared-gru_cho-2layers"] = RunLayerCase<GruChoTwoLayers>,
    };

    /// <summary>Each model case's check with its generated model; null source = the model's ImportParameters.</summary>
    internal static readonly Dictionary<string, Action<GoldenModelCase, ParameterSource?>> ModelModels = new()
    {
        ["shared-lstm-lm"] = RunModelCase<LstmLm>,
        ["shared-lstm-clf"] = RunModelCase<LstmClf>,
        ["shared-gru-lm"] = RunModelCase<GruLm>,
        ["shared-gru-clf"] = RunModelCase<GruClf>,
        ["shared-rnn_tanh-lm"] = RunModelCase<RnnLm>,
        ["shared-rnn_tanh-clf"] = RunModelCase<RnnClf>,
        ["shared-lstm_peephole-lm"] = RunModelCase<PeepholeLstmLm>,
        ["shared-lstm_peephole-clf"] = RunModelCase<PeepholeLstmClf>,
    };

    public static TheoryData<string> LayerCases => GoldenData.LayerCaseNames();

    public static TheoryData<string> ModelCases => GoldenData.ModelCaseNames();

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void LayerCaseMatchesPyTorch(string name) => LayerModels[name](GoldenData.Instance.LayerCase(name), null);

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelCaseMatchesPyTorch(string name) => ModelModels[name](GoldenData.Instance.ModelCase(name), null);

    [Fact]
    public void EveryGoldenCaseHasAGeneratedModel()
    {
        Assert.Equal(GoldenData.Instance.LayerCases.Select(c => c.Name).Order(), LayerModels.Keys.Order());
        Assert.Equal(GoldenData.Instance.ModelCases.Select(c => c.Name).Order(), ModelModels.Keys.Order());
    }

    private static void Load<TModel>(TModel model, IEnumerable<GoldenTensor> tensors, ParameterSource? source) where TModel : class, IRecurrentModel<TModel>
    {
        List<NamedTensor> named = tensors.Select(t => t.ToNamedTensor()).ToList();
        if (source is null)
        {
            model.ImportParameters(named);
        }
        else
        {
            source(TModel.Description, named, model.Parameters);
        }
    }

    internal static void RunLayerCase<TModel>(GoldenLayerCase c, ParameterSource? source) where TModel : class, IRecurrentModel<TModel>
    {
        ModelDescription description = TModel.Description;
        var model = TModel.Create();
        Load(model, c.ParameterTensors(), source);

        float[] inputs = c.Inputs();
        float[] state = c.InitialState(description).Select(v => (float)v).ToArray();
        var outputs = new float[c.Steps * TModel.OutputSize];
        Trace trace = model.CreateTrace();
        model.Forward(inputs, state, outputs, trace);
        Float.AssertClose("y", GoldenData.Flatten(c.Y), outputs);
        Float.AssertClose("final state", c.FinalState(description), state);

        double loss = 0;
        float[] dy = GoldenData.FlattenToFloat(c.Dy);
        double[] dFinal = c.FinalStateGradient(description);
        for (int i = 0; i < outputs.Length; i++) loss += (double)outputs[i] * dy[i];
        for (int i = 0; i < state.Length; i++) loss += state[i] * dFinal[i];
        Float.AssertClose("loss", c.Loss, loss);

        float[] stateGradient = dFinal.Select(v => (float)v).ToArray();
        var inputGradients = new float[inputs.Length];
        model.Backward(trace, dy, stateGradient, inputGradients, model.Gradients);
        Float.AssertTensors("gradient", description, c.GradientTensors(), model.Gradients);
        Float.AssertClose("grad_x", GoldenData.Flatten(c.GradX), inputGradients);
        Float.AssertClose("initial state gradient", c.InitialStateGradient(description), stateGradient);
    }

    internal static void RunModelCase<TModel>(GoldenModelCase c, ParameterSource? source) where TModel : class, IRecurrentModel<TModel>
    {
        Assert.Equal(Activation.Softmax, TModel.Description.HeadActivation);
        var model = TModel.Create();
        Load(model, c.ParameterTensors(), source);

        int classes = TModel.OutputSize;
        var state = new float[TModel.StateSize];
        var probabilities = new float[c.Steps * classes];
        Trace trace = model.CreateTrace();
        model.Forward(c.Tokens, state, probabilities, trace);
        Float.AssertClose("probabilities", Softmax(GoldenData.Flatten(c.Logits), classes), probabilities);

        // Softmax cross-entropy, fused: dL/dlogits = (p - onehot) / targets at the steps that have a target.
        double loss = 0;
        var logitGradients = new float[probabilities.Length];
        for (int t = 0; t < c.Steps; t++)
        {
            if (c.Target(t) is not int target) continue;
            loss -= Math.Log(probabilities[t * classes + target]) / c.TargetCount;
            for (int k = 0; k < classes; k++)
            {
                logitGradients[t * classes + k] = (probabilities[t * classes + k] - (k == target ? 1f : 0f)) / c.TargetCount;
            }
        }

        Float.AssertClose("loss", c.Loss, loss);
        model.BackwardFromLogits(trace, logitGradients, new float[TModel.StateSize], default, model.Gradients);
        Float.AssertTensors("gradient", TModel.Description, c.GradientTensors(), model.Gradients);
    }

    private static double[] Softmax(double[] logits, int classes)
    {
        var result = new double[logits.Length];
        for (int t = 0; t < logits.Length / classes; t++)
        {
            var row = logits.AsSpan(t * classes, classes);
            double max = row.ToArray().Max(), sum = 0;
            for (int k = 0; k < classes; k++) sum += Math.Exp(row[k] - max);
            for (int k = 0; k < classes; k++) result[t * classes + k] = Math.Exp(row[k] - max) / sum;
        }

        return result;
    }
}
