using GenRnn.Interop;
using GenRnn.Tests.Models;
using GenRnn.Tests.Training;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>
/// Export and import with the same prefix are mirror images, for every form of prefix, including those a module
/// tensor's own name starts with ("head.", "h", "e", "embedding."), which a strip-if-present import got wrong.
/// </summary>
public sealed class PrefixRoundTripTests : IDisposable
{
    public static readonly TheoryData<string> Prefixes = ["", "lstm.", "lstm", "model.rnn.", "head.", "head", "h", "e", "embedding.", "weight_", "lstm.head."];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-prefix-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static LstmLm Randomized(int seed)
    {
        var model = LstmLm.Create(); // embedding, LSTM and head: both kinds of names
        TestData.Uniform(LstmLm.ParameterCount, seed).CopyTo(model.Parameters, 0);
        return model;
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void ExportParameters_then_ImportParameters_with_the_same_prefix_round_trips(string prefix)
    {
        LstmLm model = Randomized(1);
        List<NamedTensor> exported = model.ExportParameters(prefix);
        Assert.All(exported, t => Assert.StartsWith(prefix, t.Name, StringComparison.Ordinal));
        Assert.Equal(LstmLm.Description.Tensors.Select(t => prefix + t.Name), exported.Select(t => t.Name));

        var copy = LstmLm.Create();
        copy.ImportParameters(exported, prefix);
        Assert.Equal(Bits.Of(model.Parameters), Bits.Of(copy.Parameters));

        // Gradients are named the same way.
        TestData.Uniform(LstmLm.ParameterCount, 2).CopyTo(model.Gradients, 0);
        var gradients = LstmLm.Create();
        gradients.ImportParameters(model.ExportGradients(prefix), prefix);
        Assert.Equal(Bits.Of(model.Gradients), Bits.Of(gradients.Parameters));
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void SafeTensors_Save_with_a_recurrent_prefix_then_Load_with_that_prefix_round_trips(string prefix)
    {
        string path = Path.Combine(_folder.FullName, "model.safetensors");
        LstmLm model = Randomized(3);
        SafeTensors.Save(path, model, recurrentPrefix: prefix);
        var loaded = LstmLm.Create();
        SafeTensors.Load(path, loaded, prefix);
        Assert.Equal(Bits.Of(model.Parameters), Bits.Of(loaded.Parameters));

        // A file of ExportParameters(prefix) (every name prefixed) loads with the same prefix too.
        SafeTensors.Write(path, model.ExportParameters(prefix));
        var written = LstmLm.Create();
        SafeTensors.Load(path, written, prefix);
        Assert.Equal(Bits.Of(model.Parameters), Bits.Of(written.Parameters));
    }

    [Fact]
    public void Both_forms_of_one_tensor_are_refused_as_given_twice()
    {
        LstmLm model = Randomized(4);
        List<NamedTensor> tensors = model.ExportParameters("lstm.");
        tensors.Add(tensors.Single(t => t.Name == "lstm.head.bias") with { Name = "head.bias" });
        var copy = LstmLm.Create();
        ArgumentException e = Assert.Throws<ArgumentException>(() => copy.ImportParameters(tensors, "lstm."));
        Assert.Contains("given twice", e.Message, StringComparison.Ordinal);
        Assert.All(copy.Parameters, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_prefix_is_used_exactly_as_given()
    {
        // "lstm" (no dot) is not "lstm.": the dotted names are not the model's under it.
        List<NamedTensor> dotted = Randomized(5).ExportParameters("lstm.");
        var copy = LstmLm.Create();
        ArgumentException e = Assert.Throws<ArgumentException>(() => copy.ImportParameters(dotted, "lstm"));
        Assert.Contains("unused tensor 'lstm.weight_ih_l0'", e.Message, StringComparison.Ordinal);
    }
}
