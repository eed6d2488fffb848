using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>Runs ONNX graphs in ONNX Runtime and compares their results with GenRnn's.</summary>
internal static class OnnxCheck
{
    /// <summary>The agreement the issue asks for: |a − e| ≤ 1e-5 (+ 1e-5·|e| for outputs above 1).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Runs <paramref name="model"/> with named float (or int64) inputs; returns every output by name.</summary>
    public static Dictionary<string, (int[] Shape, float[] Data)> Run(byte[] model, IEnumerable<NamedOnnxValue> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs.ToList());
        return results.ToDictionary(r => r.Name, r =>
        {
            Tensor<float> t = r.AsTensor<float>();
            return (t.Dimensions.ToArray(), t.ToArray());
        });
    }

    public static NamedOnnxValue Floats(string name, float[] data, params int[] shape)
        => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, shape));

    public static NamedOnnxValue Longs(string name, long[] data, params int[] shape)
        => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(data, shape));

    /// <summary>Asserts equal lengths and |actual − expected| ≤ tolerance·max(1, |expected|) everywhere, naming the first miss.</summary>
    public static void AssertClose(string quantity, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = tolerance * Math.Max(1, Math.Abs(expected[i]));
            double difference = Math.Abs(actual[i] - expected[i]);
            if (!(difference <= allowed))
            {
                Assert.Fail($"{quantity}[{i}]: GenRnn {expected[i]:R}, ONNX Runtime {actual[i]:R} (|difference| {difference:E2} > {allowed:E2}).");
            }

            worst = Math.Max(worst, difference);
        }
    }
}
