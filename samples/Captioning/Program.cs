using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using GenRnn;
using GenRnn.Training;
using Spectre.Console;

namespace Captioning;

/// <summary>
/// One-to-many: a generated picture's feature vector sets the initial state of an LSTM decoder, which emits a short
/// caption one word at a time, the previous word fed back as its next input (teacher forcing in training, its own
/// choice when decoding, greedily or at a temperature). The encoder and decoder are trained together with the
/// models' own BPTT: the decoder's gradient with respect to its initial state flows into the encoder.
/// </summary>
public static class Program
{
    /// <summary>Options: <c>--train N</c> new pictures per epoch (default 6000), <c>--epochs N</c> (default 30), <c>--test N</c> (default 1000), <c>--help</c>.</summary>
    public static int Main(string[] args)
    {
        var cli = new GenRnn.Samples.SampleArguments("Captioning", "Trains an image encoder and an LSTM caption decoder on generated pictures of shapes, then captions test pictures.");
        var trainOption = cli.Int("--train", 6000, "new training pictures per epoch", 1, 10_000_000);
        var epochsOption = cli.Int("--epochs", 30, "epochs", 1, 100_000);
        var testOption = cli.Int("--test", 1000, "test pictures", 1, 10_000_000);
        cli.Note("Small sizes (e.g. --train 64 --epochs 2 --test 16) are for a fast smoke run and do not reach the default run's accuracy.");
        if (cli.Parse(args) is int exit) return exit;
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 150;
        }

        int trainCount = trainOption.Value;
        int epochs = epochsOption.Value;
        int testCount = testOption.Value;
        var random = new Random(1);
        List<Picture> train = Enumerable.Range(0, trainCount).Select(_ => Pictures.Generate(random)).ToList();
        List<Picture> test = Enumerable.Range(0, testCount).Select(_ => Pictures.Generate(random)).ToList();
        var model = new CaptionModel(seed: 1);
        AnsiConsole.MarkupLine($"{trainCount} training and {testCount} test pictures; encoder {ImageEncoder.ParameterCount:N0} and decoder {CaptionDecoder.ParameterCount:N0} parameters.");

        var watch = Stopwatch.StartNew();
        var order = Enumerable.Range(0, train.Count).ToArray();
        AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: epochs);
                for (int epoch = 0; epoch < epochs; epoch++)
                {
                    if (epoch > 0)
                    {
                        // Pictures cost nothing to make: every epoch sees new ones, so the encoder cannot memorise.
                        for (int i = 0; i < train.Count; i++) train[i] = Pictures.Generate(random);
                    }

                    double loss = 0;
                    int batches = 0;
                    for (int start = 0; start < order.Length; start += 32)
                    {
                        loss += model.TrainBatch(order.Skip(start).Take(32).Select(i => train[i]).ToList());
                        batches++;
                    }

                    task.Value = epoch + 1;
                    task.Description = $"training [grey]cross-entropy {loss / batches:F3}[/]";
                }
            });

        int exact = 0;
        long words = 0, right = 0;
        foreach (Picture picture in test)
        {
            int[] caption = model.Greedy(picture, picture.Caption.Length + 2);
            if (Words.Text(caption) == Words.Text(picture.Caption)) exact++;
            for (int t = 0; t < picture.Caption.Length; t++)
            {
                words++;
                if (t < caption.Length && caption[t] == picture.Caption[t]) right++;
            }
        }

        AnsiConsole.MarkupLine($"Trained in {watch.Elapsed.TotalSeconds:F1} s. Greedy captions of the test pictures: [bold]{100.0 * exact / Math.Max(1, test.Count):F1}%[/] exactly right, {100.0 * right / Math.Max(1, words):F1}% of words right in place.");
        var sampling = new Random(2);
        // Examples: the first test picture of each kind (one shape, side by side, one above the other).
        string Kind(Picture p) => Words.Text(p.Caption) is var c && c.Contains("left", StringComparison.Ordinal) ? "left" : c.Contains("above", StringComparison.Ordinal) ? "above" : "one";
        foreach (Picture picture in test.GroupBy(Kind).Select(g => g.First()))
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("picture", "captions");
            string captions = $"truth:    {Words.Text(picture.Caption)}\ngreedy:   {Words.Text(model.Greedy(picture, 12))}\n" +
                string.Join('\n', new[] { 0.5f, 1.0f, 1.5f }.Select(t => $"T = {t,-4}: {Words.Text(model.Sample(picture, 12, t, sampling))}"));
            table.AddRow(new Text(Pictures.Ascii(picture.Pixels)), new Text(captions));
            AnsiConsole.Write(table);
        }

        return 0;
    }
}

/// <summary>The encoder and decoder with their optimizers, trained together.</summary>
public sealed class CaptionModel
{
    private readonly ImageEncoder _encoder = ImageEncoder.Create();
    private readonly CaptionDecoder _decoder = CaptionDecoder.Create();
    private readonly Adam _encoderOptimizer = new(ImageEncoder.ParameterCount, 5e-3f);
    private readonly Adam _decoderOptimizer = new(CaptionDecoder.ParameterCount, 5e-3f);
    private readonly GenRnn.Trace _encoderTrace;
    private readonly GenRnn.Trace _decoderTrace;
    private readonly float[] _state = new float[CaptionDecoder.StateSize];
    private readonly float[] _stateGradient = new float[CaptionDecoder.StateSize];
    private readonly float[] _encoderOutput = new float[ImageEncoder.OutputSize];

    /// <summary>Creates the models with seeded initial parameters.</summary>
    public CaptionModel(int seed)
    {
        if (ImageEncoder.StateSize != CaptionDecoder.StateSize) throw new InvalidOperationException("The encoder's state must have the decoder's layout.");
        ParameterInitializer.Recommended(ImageEncoder.Description, _encoder.Parameters, seed);
        ParameterInitializer.Recommended(CaptionDecoder.Description, _decoder.Parameters, seed + 1);
        _encoderTrace = _encoder.CreateTrace(1);
        _decoderTrace = _decoder.CreateTrace(16);
    }

    /// <summary>One update on a batch; returns the mean cross-entropy per word.</summary>
    public double TrainBatch(IReadOnlyList<Picture> batch)
    {
        _encoder.ZeroGradients();
        _decoder.ZeroGradients();
        double loss = 0;
        foreach (Picture picture in batch)
        {
            // Forward: the picture's features through one encoder step; its state starts the decoder, which reads
            // <start> and then the caption's words (teacher forcing) and predicts each next word.
            Array.Clear(_state);
            _encoder.Forward(Pictures.Features(picture.Pixels), _state, _encoderOutput, _encoderTrace);
            int n = picture.Caption.Length;
            int[] inputs = [Words.Start, .. picture.Caption[..^1]];
            var logits = new float[n * Words.Count];
            _decoder.Forward(inputs, _state, logits, _decoderTrace);
            var gradients = new float[logits.Length];
            loss += SoftmaxCrossEntropy.LossAndGradient(logits, Words.Count, picture.Caption, gradients);
            TensorPrimitives.Multiply(gradients, 1f / batch.Count, gradients);

            // Backward: through the decoder to its initial state, then from there through the encoder.
            Array.Clear(_stateGradient);
            _decoder.BackwardFromLogits(_decoderTrace, gradients, _stateGradient, default, _decoder.Gradients);
            _encoder.Backward(_encoderTrace, default, _stateGradient, default, _encoder.Gradients);
        }

        GradientClipping.ByNorm(_encoder.Gradients, 5);
        GradientClipping.ByNorm(_decoder.Gradients, 5);
        _encoderOptimizer.Step(_encoder.Parameters, _encoder.Gradients);
        _decoderOptimizer.Step(_decoder.Parameters, _decoder.Gradients);
        return loss / batch.Count;
    }

    /// <summary>The most likely word at every step, up to the end token or <paramref name="maxWords"/>.</summary>
    public int[] Greedy(Picture picture, int maxWords)
    {
        var tokens = new int[maxWords];
        Decoding.Greedy(_decoder, Start(picture), Words.Start, tokens);
        return Trim(tokens);
    }

    /// <summary>Each word drawn from the decoder's distribution at <paramref name="temperature"/>.</summary>
    public int[] Sample(Picture picture, int maxWords, float temperature, Random random)
    {
        var tokens = new int[maxWords];
        Decoding.Sample(_decoder, Start(picture), Words.Start, tokens, temperature, random);
        return Trim(tokens);
    }

    private float[] Start(Picture picture)
    {
        var state = new float[ImageEncoder.StateSize];
        _encoder.Forward(Pictures.Features(picture.Pixels), state, new float[ImageEncoder.OutputSize]);
        return state;
    }

    private static int[] Trim(int[] tokens) => tokens.Contains(Words.End) ? tokens[..(Array.IndexOf(tokens, Words.End) + 1)] : tokens;
}
