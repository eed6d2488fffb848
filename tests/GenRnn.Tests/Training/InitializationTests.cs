using GenRnn.Training;
using ReadmeDemo;
using Xunit;
using Xunit.Abstractions;
using static GenRnn.Tests.Training.ScenarioHelpers;

namespace GenRnn.Tests.Training;

/// <summary>
/// A model made with Create() is all zero; the trainers initialise it (TrainerOptions.InitializeZeroParameters), and
/// README's "Train it" snippet, which relies on that, learns what it says.
/// </summary>
public sealed class InitializationTests(ITestOutputHelper output)
{
    [Fact]
    public void The_readme_snippet_is_ReadmeExample_cs()
    {
        string root = Repository();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("## Train it\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no section 'Train it'");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        string[] snippet = [.. readme[start..end].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
        string[] source = [.. File.ReadAllLines(Path.Combine(root, "tests", "GenRnn.Tests", "Training", "ReadmeExample.cs")).Select(l => l.Trim())];

        // Every line of the snippet, in order, is a line of the compiled file (which has the data around it).
        int at = 0;
        foreach (string line in snippet)
        {
            while (at < source.Length && source[at] != line) at++;
            Assert.True(at < source.Length, $"README's line '{line}' is not in ReadmeExample.cs (in order)");
            at++;
        }
    }

    [Fact]
    public void The_readme_snippet_learns_parity_from_a_created_model_and_would_not_from_zero()
    {
        (double accuracy, bool initialized) = ReadmeExample.Run();
        (double fromZero, bool zeroInitialized) = ReadmeExample.Run(initializeZeroParameters: false);
        output.WriteLine($"held-out accuracy: {accuracy:P1} initialised by the trainer, {fromZero:P1} trained from zero");

        Assert.True(initialized);
        Assert.False(zeroInitialized);
        Assert.True(accuracy >= 0.98, $"held-out accuracy {accuracy:P1}");
        Assert.True(fromZero <= 0.75, $"from zero: {fromZero:P1}");
    }

    [Fact]
    public void The_trainer_initialises_only_an_all_zero_model_with_Recommended_seeded_by_Seed()
    {
        var created = CountModThree.Create();
        using var trainer = new Trainer<CountModThree>(created, new Adam(CountModThree.ParameterCount), new TrainerOptions { Seed = 42 });
        Assert.True(trainer.InitializedParameters);
        Assert.Equal(Bits.Of(NewModel<CountModThree>(42).Parameters), Bits.Of(created.Parameters));

        // Initialised, imported or merely touched models are left as they are.
        var initialised = NewModel<CountModThree>(3);
        int[] before = Bits.Of(initialised.Parameters);
        using var second = new Trainer<CountModThree>(initialised, new Adam(CountModThree.ParameterCount), new TrainerOptions { Seed = 42 });
        Assert.False(second.InitializedParameters);
        Assert.Equal(before, Bits.Of(initialised.Parameters));

        var oneNonZero = CountModThree.Create();
        oneNonZero.Parameters[^1] = 0.5f;
        using var third = new Trainer<CountModThree>(oneNonZero, new Adam(CountModThree.ParameterCount));
        Assert.False(third.InitializedParameters);
        Assert.Equal(1, oneNonZero.Parameters.Count(p => p != 0));

        // Opted out: the zero model stays zero.
        var zero = CountModThree.Create();
        using var fourth = new Trainer<CountModThree>(zero, new Adam(CountModThree.ParameterCount), new TrainerOptions { InitializeZeroParameters = false });
        Assert.False(fourth.InitializedParameters);
        Assert.All(zero.Parameters, p => Assert.Equal(0f, p));
    }

    [Fact]
    public void The_encoder_decoder_trainer_initialises_each_all_zero_model()
    {
        var encoder = ReverseEncoder.Create();
        var decoder = NewModel<ReverseDecoder>(5);
        int[] decoderBefore = Bits.Of(decoder.Parameters);
        var trainer = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            encoder, decoder, new Adam(ReverseEncoder.ParameterCount), new Adam(ReverseDecoder.ParameterCount), startToken: 5, seed: 7);
        Assert.True(trainer.InitializedEncoder);
        Assert.False(trainer.InitializedDecoder);
        Assert.Equal(Bits.Of(NewModel<ReverseEncoder>(7).Parameters), Bits.Of(encoder.Parameters));
        Assert.Equal(decoderBefore, Bits.Of(decoder.Parameters));

        var zeroDecoder = ReverseDecoder.Create();
        var both = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            ReverseEncoder.Create(), zeroDecoder, new Adam(ReverseEncoder.ParameterCount), new Adam(ReverseDecoder.ParameterCount), startToken: 5, seed: 7);
        Assert.True(both.InitializedDecoder);
        Assert.Equal(Bits.Of(NewModel<ReverseDecoder>(8).Parameters), Bits.Of(zeroDecoder.Parameters));

        var optedOut = ReverseEncoder.Create();
        var none = new EncoderDecoderTrainer<ReverseEncoder, ReverseDecoder>(
            optedOut, ReverseDecoder.Create(), new Adam(ReverseEncoder.ParameterCount), new Adam(ReverseDecoder.ParameterCount), startToken: 5, initializeZeroParameters: false);
        Assert.False(none.InitializedEncoder || none.InitializedDecoder);
        Assert.All(optedOut.Parameters, p => Assert.Equal(0f, p));
    }

    private static string Repository()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "GenRnn.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("GenRnn.sln not found above " + AppContext.BaseDirectory);
    }
}
