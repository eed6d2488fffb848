using GenRnn.Interop;
using GenRnn.Tests.Models;
using GenRnn.Tests.Training;
using GenRnn.Training;
using Xunit;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests;

/// <summary>
/// The non-finite policy: every loader rejects NaN and infinite weights with an InvalidDataException naming the
/// tensor (nothing changes); Step and Forward do not check, NonFinite.Check is the opt-in; the trainers reject
/// non-finite inputs and targets naming the sample.
/// </summary>
public sealed class NonFiniteTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-nonfinite-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    public static TheoryData<float> Bad => new() { float.NaN, float.PositiveInfinity, float.NegativeInfinity };

    private static T Randomized<T>(int seed) where T : class, IRecurrentModel<T>
    {
        T model = T.Create();
        TestData.Uniform(T.ParameterCount, seed).CopyTo(model.Parameters, 0);
        return model;
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void Safetensors_load_rejects_a_non_finite_weight_naming_the_tensor(float bad)
    {
        Lstm3x5 saved = Randomized<Lstm3x5>(1);
        saved.Parameters[7] = bad;
        string path = PathOf("bad.safetensors");
        SafeTensors.Save(path, saved);
        Lstm3x5 model = Randomized<Lstm3x5>(2);
        float[] before = (float[])model.Parameters.Clone();
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, model));
        Assert.Contains("non-finite", e.Message);
        Assert.Contains(bad.ToString(), e.Message);
        Assert.Contains("weight_ih_l0", e.Message);
        Assert.Equal(before, model.Parameters);

        // Reading the file as tensors is not loading it into a model: the values come back as they are.
        Assert.Contains(SafeTensors.Read(path).Tensors, t => t.Data.Any(v => v.Equals(bad)));
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void Onnx_import_rejects_a_non_finite_weight_naming_the_tensor(float bad)
    {
        Gru3x5 saved = Randomized<Gru3x5>(3);
        saved.Parameters[^1] = bad;
        byte[] bytes = Onnx.Serialize(saved);
        Gru3x5 model = Randomized<Gru3x5>(4);
        float[] before = (float[])model.Parameters.Clone();
        var e = Assert.Throws<InvalidDataException>(() => Onnx.Import(bytes, Gru3x5.Description, model.Parameters));
        Assert.Contains("non-finite", e.Message);
        Assert.Equal(before, model.Parameters);

        string path = PathOf("bad.onnx");
        File.WriteAllBytes(path, bytes);
        Assert.Throws<InvalidDataException>(() => Onnx.Import(path, model));
        Assert.Equal(before, model.Parameters);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void PyTorch_layout_import_rejects_a_non_finite_value_as_an_argument_error(float bad)
    {
        Rnn3x5 saved = Randomized<Rnn3x5>(5);
        List<NamedTensor> tensors = PyTorchLayout.Export(Rnn3x5.Description, saved.Parameters);
        tensors[0].Data[0] = bad;
        var destination = new float[Rnn3x5.ParameterCount];
        var e = Assert.Throws<ArgumentException>(() => PyTorchLayout.Import(Rnn3x5.Description, tensors, destination));
        Assert.Equal("tensors", e.ParamName);
        Assert.Contains($"'{tensors[0].Name}' holds a non-finite value", e.Message);
        Assert.All(destination, v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void Checkpoint_load_rejects_a_non_finite_parameter_or_optimizer_value(float bad)
    {
        const int n = 11;
        float[] parameters = TestData.Uniform(n, 6);
        var adam = new Adam(n, 0.01);
        adam.Step(parameters, TestData.Uniform(n, 7));
        float[] saved = (float[])parameters.Clone();
        saved[3] = bad;
        string path = PathOf("bad-parameter.ckpt");
        Checkpoint.Save(path, "Tests.Model", saved, adam, new TrainingPosition(1, 1, 1));

        float[] destination = TestData.Uniform(n, 8);
        float[] before = (float[])destination.Clone();
        var fresh = new Adam(n, 0.5);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, "Tests.Model", destination, fresh));
        Assert.Contains("non-finite parameter", e.Message);
        Assert.Contains("index 3", e.Message);
        Assert.Equal(before, destination);
        Assert.Equal(0, fresh.StepCount);
        Assert.Equal(0.5, fresh.LearningRate);

        // The optimizer's buffers: the same policy (ImportState: ArgumentException; the checkpoint: InvalidDataException).
        OptimizerState state = adam.ExportState();
        state.Buffers[1].Data[2] = bad;
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => fresh.ImportState(state)).Message);
        string second = PathOf("bad-optimizer.ckpt");
        Checkpoint.Save(second, new CheckpointData("Tests.Model", parameters, state, new TrainingPosition(1, 1, 1)));
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(second, "Tests.Model", destination, fresh));
        Assert.Contains("exp_avg_sq", e.Message);
        Assert.Equal(before, destination);
        Assert.Equal(0, fresh.StepCount);
        Assert.All(fresh.ExportState().Buffers, b => Assert.All(b.Data, v => Assert.Equal(0f, v)));

        // Without an optimizer the parameters alone are still checked.
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, "Tests.Model", destination, null));
        Assert.Equal(before, destination);
    }

    [Fact]
    public void Check_names_the_argument_the_index_and_the_value()
    {
        float[] input = [0.5f, -1f, float.NaN, float.PositiveInfinity];
        var e = Assert.Throws<ArgumentException>(() => NonFinite.Check(input));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("input[2] is NaN", e.Message);
        e = Assert.Throws<ArgumentException>(() => NonFinite.Check(input.AsSpan(3), "x"));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("x[0] is ∞", e.Message.Replace("Infinity", "∞"));
        NonFinite.Check(input.AsSpan(0, 2));
        NonFinite.Check([]);
        Assert.Equal(-1, NonFinite.IndexOf([float.MaxValue, float.MinValue, float.Epsilon, -0f]));
        for (int length = 0; length < 70; length++)
        {
            for (int at = 0; at < length; at++)
            {
                float[] values = TestData.Uniform(length, length);
                values[at] = float.NegativeInfinity;
                Assert.Equal(at, NonFinite.IndexOf(values));
            }
        }
    }

    [Fact]
    public void Check_allocates_nothing_on_finite_values()
    {
        float[] values = TestData.Uniform(1000, 9);
        NonFinite.Check(values);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) NonFinite.Check(values);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Step_does_not_check_and_a_NaN_poisons_the_state_until_it_is_reset()
    {
        Lstm3x5 model = Randomized<Lstm3x5>(10);
        var state = new float[Lstm3x5.StateSize];
        var output = new float[Lstm3x5.OutputSize];
        model.Step([float.NaN, 0, 0], state, output); // no exception: the hot path is unchecked
        Assert.All(state, v => Assert.True(float.IsNaN(v)));
        for (int t = 0; t < 3; t++)
        {
            model.Step([0.1f, 0.2f, 0.3f], state, output);
            Assert.All(output, v => Assert.True(float.IsNaN(v)));
        }

        Array.Clear(state); // reset
        model.Step([0.1f, 0.2f, 0.3f], state, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        Assert.Throws<ArgumentException>(() => NonFinite.Check([float.NaN, 0, 0], "input"));
    }

    [Theory]
    [InlineData("TrainBatch")]
    [InlineData("Evaluate")]
    [InlineData("Fit")]
    [InlineData("Fit validation")]
    public void Trainers_reject_a_non_finite_input_or_target_naming_the_sample(string call)
    {
        Sample[] sines = ScenarioTests.SineSamples(6, seed: 12).ToArray();
        var model = NewModel<NextSine>(13);
        int[] before = Bits.Of(model.Parameters);
        var optimizer = new Adam(NextSine.ParameterCount, 0.01);
        using var trainer = new Trainer<NextSine>(model, optimizer, new TrainerOptions { Loss = LossKind.MeanSquaredError, Epochs = 1 });
        foreach ((Sample bad, string fragment) in new[]
        {
            (sines[4] with { Inputs = [.. sines[4].Inputs![..3], float.NaN, .. sines[4].Inputs![4..]] }, "Sample 4: Inputs[3] is NaN"),
            (sines[4] with { Values = [.. sines[4].Values![..1], float.PositiveInfinity, .. sines[4].Values![2..]] }, "Sample 4: Values[1] is ∞"),
        })
        {
            Sample[] data = [.. sines[..4], bad, sines[5]];
            ArgumentException e = call switch
            {
                "TrainBatch" => Assert.Throws<ArgumentException>(() => trainer.TrainBatch(data)),
                "Evaluate" => Assert.Throws<ArgumentException>(() => trainer.Evaluate(data)),
                "Fit" => Assert.Throws<ArgumentException>(() => trainer.Fit(data)),
                _ => Assert.Throws<ArgumentException>(() => trainer.Fit(sines, data)),
            };
            Assert.Contains(fragment, e.Message.Replace("Infinity", "∞"));
            Assert.Equal(call switch { "TrainBatch" => "batch", "Evaluate" => "samples", "Fit" => "training", _ => "validation" }, e.ParamName);
            Assert.Equal(before, Bits.Of(model.Parameters));
            Assert.Equal(0, optimizer.StepCount);
        }
    }
}
