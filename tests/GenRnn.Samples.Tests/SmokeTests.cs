using Xunit;

namespace GenRnn.Samples.Tests;

/// <summary>Every sample runs end to end on tiny inputs.</summary>
public class SmokeTests
{
    [Fact]
    public void Streaming_RunsWithoutAllocating()
    {
        // Exit code 1 would mean the audio loop allocated.
        Assert.Equal(0, Streaming.Program.Main(["--seconds", "0.2", "--train-updates", "5"]));
        Streaming.LatencyReport report = Streaming.Program.Measure(Streaming.AmpLstm16.Create(), Streaming.Program.Waveform(4800));
        Assert.Equal(0, report.BytesAllocated);
        Assert.Equal(4800, report.Samples);
        Assert.True(report.Percentiles[0] > 0 && report.Percentiles[0] <= report.Percentiles[^1]);
    }

    [Fact]
    public void Sentiment_RunsOnTheShippedTinyTsv()
    {
        string tiny = Path.Combine(AppContext.BaseDirectory, "sentiment-data", "tiny.tsv");
        Assert.Equal(120, Sentiment.Tsv.Read(tiny).Count);
        Assert.Equal(0, Sentiment.Program.Main(["--data", tiny, "--epochs", "1"]));
    }

    [Fact]
    public void Sentiment_ReadsTheNpmSentimentJsonFormatAndRejectsOtherJson()
    {
        string tiny = Path.Combine(AppContext.BaseDirectory, "sentiment-data", "tiny.json");
        List<Sentiment.LabelledSentence> rows = Sentiment.LabelledFiles.Read(tiny);
        Assert.Equal(60, rows.Count);
        Assert.Equal(Sentiment.Tsv.Read(Path.ChangeExtension(tiny, ".tsv")).Take(60), rows);
        Assert.Equal(0, Sentiment.Program.Main(["--data", tiny + "," + Path.ChangeExtension(tiny, ".tsv"), "--epochs", "1"]));

        string bad = Path.Combine(Path.GetTempPath(), $"sentiment-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(bad, "[{\"text\": \"fine\", \"class\": 2}]");
            Assert.Contains("entry 0", Assert.Throws<FormatException>(() => Sentiment.SentimentJson.Read(bad)).Message);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Sentiment_TokenizerAndVocabulary()
    {
        Assert.Equal(["the", "movie", "wasn't", "good"], Sentiment.Tokenizer.Words("The movie  wasn't GOOD!"));
        var vocabulary = Sentiment.Vocabulary.Build([["a", "b", "a"], ["c", "a", "b"]]);
        Assert.Equal(4, vocabulary.Count);
        Assert.Equal([1, 2, 3, Sentiment.Vocabulary.Unknown], vocabulary.Encode(["a", "b", "c", "zebra"]));
    }

    [Fact]
    public void CharLm_TrainsOnTheShippedTinyTextThenGeneratesFromTheCheckpoint()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"charlm-{Guid.NewGuid():N}");
        string checkpoint = Path.Combine(folder, "tiny.ckpt");
        string tiny = Path.Combine(AppContext.BaseDirectory, "charlm-data", "tiny.txt");
        try
        {
            Assert.Equal(0, CharLm.Program.Main(["--text", tiny, "--epochs", "2", "--streams", "4", "--bptt", "16", "--length", "20", "--checkpoint", checkpoint]));
            Assert.True(File.Exists(checkpoint));
            Assert.Equal(0, CharLm.Program.Main(["--generate", "The model", "--length", "20", "--checkpoint", checkpoint]));
            Assert.Equal(0, CharLm.Program.Main(["--text", tiny, "--epochs", "3", "--streams", "4", "--bptt", "16", "--length", "20", "--checkpoint", checkpoint, "--resume"]));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CharLm_CharactersRoundTripAscii()
    {
        int[] ids = CharLm.Characters.Encode("a\tb\r\né");
        Assert.Equal("a b\n?", CharLm.Characters.Decode(ids));
        Assert.All(ids, id => Assert.InRange(id, 0, CharLm.Characters.Count - 1));
    }

    [Fact]
    public void Captioning_RunsOnAFewPictures()
    {
        Assert.Equal(0, Captioning.Program.Main(["--train", "64", "--epochs", "2", "--test", "16"]));
    }

    [Fact]
    public void Captioning_PicturesMatchTheirCaptions()
    {
        var random = new Random(4);
        for (int i = 0; i < 100; i++)
        {
            Captioning.Picture picture = Captioning.Pictures.Generate(random);
            string caption = Captioning.Words.Text(picture.Caption);
            float[] features = Captioning.Pictures.Features(picture.Pixels);
            int colours = Enumerable.Range(0, 4).Count(c => features[c * 7] == 1);
            Assert.Equal(caption.Contains(" of ") || caption.Contains("above") ? 2 : 1, colours);
            foreach (var (name, c) in new[] { ("red", 0), ("green", 1), ("blue", 2), ("yellow", 3) })
            {
                Assert.Equal(caption.Contains(name), features[c * 7] == 1);
            }
        }
    }

    [Fact]
    public void SeedTour_StreamingAllocatesNothing()
    {
        SeedTour.StreamingResult result = SeedTour.AmpStreaming.Run(4800);
        Assert.Equal(0, result.BytesAllocated);
        Assert.Equal(4800, result.Steps);
    }

    [Fact]
    public void SeedTour_RunsQuick()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seedtour-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, SeedTour.Program.Main(["--quick", "--out", folder]));
            foreach (string name in new[] { "parity", "adding", "exploding", "reber", "variants" })
            {
                Assert.True(new FileInfo(Path.Combine(folder, $"{name}.png")).Length > 1000, name);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
