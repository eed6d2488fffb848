using Xunit;

namespace GenRnn.Samples.Tests;

/// <summary>Redirects the console, so these tests run alone rather than beside the other classes.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>
/// Every sample's command line: <c>--help</c> prints usage and exits 0, an unknown option or a bad value exits 2 with
/// one line on stderr, all before any training starts.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public class CommandLineTests
{
    public static TheoryData<string> Samples => ["AotDemo", "AmpPlayer", "Streaming", "Captioning", "CharLm", "Sentiment", "SeedTour"];

    public static TheoryData<string, string[]> BadValues => new()
    {
        { "AmpPlayer", ["--encoding", "mp3"] },
        { "AmpPlayer", ["--model", "/no/such/model.json", "--input", "/no/such/input.wav"] },
        { "AmpPlayer", ["--demo", "--demo-epochs", "-1"] },
        { "AmpPlayer", ["--demo", "--demo-seconds", "0"] },
        { "Streaming", ["--seconds", "ten"] },
        { "Streaming", ["--train-updates", "-3"] },
        { "Captioning", ["--epochs", "0"] },
        { "Captioning", ["--train"] },
        { "CharLm", ["--streams", "many"] },
        { "CharLm", ["--text", "/no/such/file.txt"] },
        { "CharLm", ["--temperature", "0"] },
        { "Sentiment", ["--data", "/no/such/file.tsv"] },
        { "Sentiment", ["--cell", "rnn"] },
        { "SeedTour", ["--seed", "1.5"] },
        { "SeedTour", ["--only", "parity,bogus"] },
        { "SeedTour", ["--quick", "--short"] },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Help_PrintsUsageAndExitsZero(string sample)
    {
        (int code, string output, string error) = Run(sample, ["--help"]);
        Assert.Equal(0, code);
        Assert.Contains($"Usage: dotnet run -c Release --project samples/{sample}", output);
        Assert.Contains("--help", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Help_ListsDefaultsAndWhatSmallSizesAreFor()
    {
        string seedTour = Run("SeedTour", ["--help"]).Output;
        Assert.Contains("--quick", seedTour);
        Assert.Contains("not meant to reach the Expected column", seedTour);
        Assert.Contains("(default 1;", seedTour);
        string charLm = Run("CharLm", ["--help"]).Output;
        Assert.Contains("(default 30;", charLm);
        Assert.Contains("epochs in total", charLm);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void UnknownOption_ExitsTwoWithOneLine(string sample)
    {
        (int code, string output, string error) = Run(sample, ["--no-such-option"]);
        Assert.Equal(2, code);
        Assert.Equal($"{sample}: unknown option '--no-such-option' (try --help)", error.TrimEnd());
        Assert.Equal("", output);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void BadValue_ExitsTwoWithOneLine(string sample, string[] args)
    {
        (int code, _, string error) = Run(sample, args);
        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"{sample}: ", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void CharLm_GenerateWithoutACheckpoint_ExitsTwoWithOneLine()
    {
        (int code, _, string error) = Run("CharLm", ["--generate", "x", "--checkpoint", Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.ckpt")]);
        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("no checkpoint", error);
    }

    private static (int Code, string Output, string Error) Run(string sample, string[] args) => ConsoleCapture.Run(() => sample switch
    {
        "AotDemo" => AotDemo.Cli.Parse(args) ?? -1,
        "AmpPlayer" => AmpPlayer.Program.Main(args),
        "Streaming" => Streaming.Program.Main(args),
        "Captioning" => Captioning.Program.Main(args),
        "CharLm" => CharLm.Program.Main(args),
        "Sentiment" => Sentiment.Program.Main(args),
        "SeedTour" => SeedTour.Program.Main(args),
        _ => throw new ArgumentException(sample),
    });
}
