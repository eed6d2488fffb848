using System.Diagnostics;
using SeedTour;

// A first look at a generated model: its shape, a streaming run, and BPTT gradients checked by finite differences.
var model = new AmpModel();
var random = new Random(42);
for (int i = 0; i < model.Parameters.Length; i++)
{
    model.Parameters[i] = (float)(random.NextDouble() * 2 - 1) / MathF.Sqrt(AmpModel.HiddenSize);
}

Console.WriteLine($"{AmpModel.Description.Name}: {AmpModel.ParameterCount} parameters, state of {AmpModel.StateSize} floats");
foreach (var tensor in AmpModel.Description.Tensors)
{
    Console.WriteLine($"  {tensor.Name,-14} {tensor.ShapeText,-9} at {tensor.Offset}");
}

// Streaming: one sample in, one sample out, the state carried in a fixed-size struct.
const int SampleRate = 48_000;
var state = new AmpModel.State();
Span<float> input = stackalloc float[1];
Span<float> output = stackalloc float[1];
for (int i = 0; i < 1000; i++)
{
    input[0] = MathF.Sin(i * 0.05f);
    model.Step(input, ref state, output);
}

long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
var watch = Stopwatch.StartNew();
for (int i = 0; i < SampleRate; i++)
{
    input[0] = MathF.Sin(2 * MathF.PI * 440 * i / SampleRate);
    model.Step(input, ref state, output);
}

watch.Stop();
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
Console.WriteLine($"One second of 48 kHz audio: {watch.Elapsed.TotalMilliseconds:F1} ms ({watch.Elapsed.TotalNanoseconds / SampleRate:F0} ns per step), {allocated} bytes allocated");

// Training support: BPTT over a traced sequence, checked against central differences for a few parameters.
const int Steps = 50;
float[] inputs = Enumerable.Range(0, Steps).Select(i => MathF.Sin(i * 0.3f)).ToArray();
float[] targets = Enumerable.Range(0, Steps).Select(i => MathF.Sin(i * 0.3f + 0.5f)).ToArray();
var outputs = new float[Steps];

double Loss()
{
    var s = new AmpModel.State();
    model.Forward(inputs, ref s, outputs);
    double sum = 0;
    for (int t = 0; t < Steps; t++) sum += 0.5 * (outputs[t] - targets[t]) * (outputs[t] - targets[t]);
    return sum;
}

var trace = model.CreateTrace(Steps);
var start = new AmpModel.State();
model.Forward(inputs, ref start, outputs, trace);
var outputGradients = outputs.Zip(targets, (y, t) => y - t).ToArray();
var stateGradient = new AmpModel.State();
model.ZeroGradients();
model.Backward(trace, outputGradients, ref stateGradient, Span<float>.Empty);

Console.WriteLine($"Loss {Loss():F5}; gradient check (backward vs central difference):");
foreach (int index in new[] { 0, 40, 300, AmpModel.ParameterCount - 1 })
{
    const float h = 1e-2f;
    float saved = model.Parameters[index];
    model.Parameters[index] = saved + h;
    double plus = Loss();
    model.Parameters[index] = saved - h;
    double minus = Loss();
    model.Parameters[index] = saved;
    Console.WriteLine($"  parameter {index,3}: {model.Gradients[index],10:F5} vs {(plus - minus) / (2 * h),10:F5}");
}
