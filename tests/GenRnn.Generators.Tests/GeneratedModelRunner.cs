using System.Reflection;
using System.Runtime.Loader;
using GenRnn.Reference;
using GenRnn.Training;
using Microsoft.CodeAnalysis;

namespace GenRnn.Generators.Tests;

/// <summary>
/// Runs models that a test compilation generated: emits the compilation, loads it into a collectible context (GenRnn
/// itself comes from the test's own context, so the models implement the test's IRecurrentModel), and steps each model
/// from its recommended initialisation against the float64 reference of its description.
/// </summary>
internal static class GeneratedModelRunner
{
    private const int Steps = 6;

    /// <summary>
    /// Emits <paramref name="compilation"/> and checks every named model; returns how many ran. With
    /// <paramref name="gradients"/> the traced Forward and Backward are checked against the reference's too.
    /// </summary>
    public static int RunAll(Compilation compilation, IEnumerable<string> typeNames, bool gradients = false)
    {
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException(GeneratorHarness.Format(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        }

        var context = new AssemblyLoadContext("generated-models", isCollectible: true);
        try
        {
            image.Position = 0;
            Assembly assembly = context.LoadFromStream(image);
            MethodInfo check = typeof(GeneratedModelRunner).GetMethod(nameof(Check), BindingFlags.NonPublic | BindingFlags.Static)!;
            int ran = 0;
            foreach (string name in typeNames)
            {
                Type type = assembly.GetType(name, throwOnError: true)!;
                check.MakeGenericMethod(type).Invoke(null, [gradients]);
                ran++;
            }

            return ran;
        }
        finally
        {
            context.Unload();
        }
    }

    // Six steps of Step from a seeded state and input, against the reference model of the same description and
    // parameters: outputs and the final state within float32 rounding of the float64 result.
    private static void Check<TModel>(bool gradients) where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        ParameterInitializer.Recommended(TModel.Description, model.Parameters, seed: 3);
        var reference = new ReferenceModel(TModel.Description, model.Parameters);
        var random = new Random(5);
        bool tokens = TModel.Description.Vocabulary > 0;
        float[] inputs = Enumerable.Range(0, Steps * TModel.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        int[] ids = Enumerable.Range(0, Steps).Select(_ => random.Next(TModel.VocabularySize)).ToArray();

        var state = new float[TModel.StateSize];
        var outputs = new float[Steps * TModel.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            Span<float> y = outputs.AsSpan(t * TModel.OutputSize, TModel.OutputSize);
            if (tokens) model.Step(ids[t], state, y); else model.Step(inputs.AsSpan(t * TModel.InputSize, TModel.InputSize), state, y);
        }

        var expectedState = new double[TModel.StateSize];
        var expected = new double[outputs.Length];
        if (tokens) reference.Forward(ids, expectedState, expected); else reference.Forward(inputs, expectedState, expected);
        AssertClose(typeof(TModel).FullName!, "outputs", expected, outputs);
        AssertClose(typeof(TModel).FullName!, "state", expectedState, state);
        if (gradients)
        {
            CheckGradients(model, reference, inputs, ids, tokens, random);
        }
    }

    // The traced Forward from a random state and Backward of random output and final-state gradients, against the
    // reference's: outputs, every parameter gradient, the initial state's gradient and the inputs' gradients.
    private static void CheckGradients<TModel>(TModel model, ReferenceModel reference, float[] inputs, int[] ids, bool tokens, Random random) where TModel : class, IRecurrentModel<TModel>
    {
        string name = typeof(TModel).FullName!;
        float[] state = Enumerable.Range(0, TModel.StateSize).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] dy = Enumerable.Range(0, Steps * TModel.OutputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] ds = Enumerable.Range(0, TModel.StateSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        double[] referenceState = state.Select(v => (double)v).ToArray();
        double[] referenceDs = ds.Select(v => (double)v).ToArray();

        Trace trace = model.CreateTrace(Steps);
        var outputs = new float[dy.Length];
        var inputGradients = new float[tokens ? 0 : inputs.Length];
        Array.Clear(model.Gradients);
        if (tokens) model.Forward(ids, state, outputs, trace); else model.Forward(inputs, state, outputs, trace);
        model.Backward(trace, dy, ds, inputGradients, model.Gradients);

        ReferenceTrace referenceTrace = reference.CreateTrace();
        var expected = new double[dy.Length];
        var expectedInputGradients = new double[inputGradients.Length];
        var expectedGradients = new double[TModel.ParameterCount];
        if (tokens) reference.Forward(ids, referenceState, expected, referenceTrace); else reference.Forward(inputs, referenceState, expected, referenceTrace);
        reference.Backward(referenceTrace, dy.Select(v => (double)v).ToArray(), referenceDs, expectedInputGradients, expectedGradients);

        AssertClose(name, "traced outputs", expected, outputs);
        AssertClose(name, "parameter gradients", expectedGradients, model.Gradients);
        AssertClose(name, "initial state gradient", referenceDs, ds);
        AssertClose(name, "input gradients", expectedInputGradients, inputGradients);
    }

    private static void AssertClose(string model, string what, double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= 1e-4 + 1e-3 * Math.Abs(expected[i])))
            {
                throw new Xunit.Sdk.XunitException($"{model}: {what}[{i}] is {actual[i]}, the reference gives {expected[i]}.");
            }
        }
    }
}
