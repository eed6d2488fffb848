using System.Runtime.CompilerServices;
using AotDemo;
using GenRnn;
using GenRnn.Interop;

// Runs the things a NativeAOT program is likely to need of GenRnn and checks each: a generated model's forward pass
// against the double-precision reference, BPTT, a safetensors round trip and an ONNX export and import.
// Exit code 0 and "AotDemo OK" when every check passes.
if (AotDemo.Cli.Parse(args) is int exit) return exit;

Console.WriteLine($"{(RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}: {TinyClassifier.Description.Name}, {TinyClassifier.ParameterCount} parameters");
var failures = new List<string>();

var model = new TinyClassifier();
var random = new Random(7);
for (int i = 0; i < model.Parameters.Length; i++)
{
    model.Parameters[i] = (float)(random.NextDouble() - 0.5);
}

const int Steps = 20;
float[] inputs = Enumerable.Range(0, Steps * TinyClassifier.InputSize).Select(i => MathF.Sin(0.3f * i)).ToArray();
var state = new TinyClassifier.State();
var outputs = new float[Steps * TinyClassifier.OutputSize];
Trace trace = model.CreateTrace();
model.Forward(inputs, state.AsSpan(), outputs, trace);
Console.WriteLine($"last step's probabilities: {string.Join(", ", outputs[^TinyClassifier.OutputSize..].Select(p => p.ToString("F4")))}");

var reference = new GenRnn.Reference.ReferenceModel(TinyClassifier.Description, model.Parameters);
var expected = new double[outputs.Length];
reference.Forward(inputs, new double[TinyClassifier.StateSize], expected);
double worst = outputs.Select((v, i) => Math.Abs(v - expected[i])).Max();
Check(worst < 1e-5, $"forward matches the double reference (worst difference {worst:E1})");

var outputGradients = new float[outputs.Length];
outputGradients[^1] = 1;
model.ZeroGradients();
model.Backward(trace, outputGradients, new float[TinyClassifier.StateSize], default, model.Gradients);
Check(model.Gradients.Any(g => g != 0) && model.Gradients.All(float.IsFinite), "backward gives finite, non-zero gradients");

string folder = Directory.CreateTempSubdirectory("genrnn-aot-").FullName;
try
{
    string weights = Path.Combine(folder, "tiny.safetensors");
    SafeTensors.Save(weights, model, recurrentPrefix: "gru.");
    var loaded = new TinyClassifier();
    SafeTensors.Load(weights, loaded, prefix: "gru.");
    Check(loaded.Parameters.SequenceEqual(model.Parameters), "safetensors round trip");

    var layer = new SingleGru();
    for (int i = 0; i < layer.Parameters.Length; i++)
    {
        layer.Parameters[i] = (float)(random.NextDouble() - 0.5);
    }

    string graph = Path.Combine(folder, "gru.onnx");
    Onnx.Export(graph, layer);
    var imported = new SingleGru();
    Onnx.Import(graph, imported);
    Check(imported.Parameters.SequenceEqual(layer.Parameters), $"ONNX export and import round trip ({new FileInfo(graph).Length} bytes)");
    Check(Onnx.Serialize(model).Length > 0, "ONNX export of the classifier");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Console.WriteLine(failures.Count == 0 ? "AotDemo OK" : $"AotDemo FAILED: {string.Join("; ", failures)}");
return failures.Count == 0 ? 0 : 1;

void Check(bool condition, string what)
{
    Console.WriteLine($"  {(condition ? "ok  " : "FAIL")} {what}");
    if (!condition)
    {
        failures.Add(what);
    }
}

namespace AotDemo
{
    /// <summary>The demo's command line: no options but <c>--help</c>.</summary>
    public static class Cli
    {
        /// <summary>Null to run; otherwise the exit code (0 after --help, 2 for anything else on the command line).</summary>
        public static int? Parse(string[] args) =>
            new GenRnn.Samples.SampleArguments("AotDemo", "Checks what a NativeAOT program needs of GenRnn: forward pass against the reference, BPTT, safetensors and ONNX round trips. Takes no options; exit code 0 and \"AotDemo OK\" when every check passes.").Parse(args);
    }

    [RecurrentModel]
    [Lstm(2, 8, Peepholes = true)]
    [Gru(8, 6)]
    [Dense(3, Activation = Activation.Softmax)]
    public partial class TinyClassifier;

    [RecurrentModel]
    [Gru(2, 8)]
    public partial class SingleGru;
}
