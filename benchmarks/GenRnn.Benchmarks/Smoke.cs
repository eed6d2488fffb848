using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace GenRnn.Benchmarks;

/// <summary>
/// The CI path: for every benchmark class, cell and size, what BenchmarkDotNet would do once per case, directly in
/// this process — GlobalSetup (which checks the generated model against the reference and the ONNX shapes), each
/// [Benchmark] method once, GlobalCleanup. No timing claims; it proves every benchmark runs and is correct.
/// </summary>
public static class Smoke
{
    public static int Run(Options options)
    {
        var total = Stopwatch.StartNew();
        int cases = 0, calls = 0, failures = 0;
        Type[] classes = typeof(Smoke).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkAttribute))))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();
        foreach (Type type in classes)
        {
            MethodInfo[] benchmarks = [.. type.GetMethods().Where(m => m.IsDefined(typeof(BenchmarkAttribute)))];
            foreach (Cell cell in Enum.GetValues<Cell>())
            {
                foreach (string size in BenchCase.Sizes.Where(s => options.Includes(type, cell, s)))
                {
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        string ran = RunCase(type, benchmarks, cell, size, ref calls);
                        Console.WriteLine($"{type.Name,-19} {cell,-4} {size,-6} ok in {watch.ElapsedMilliseconds,5} ms: {ran}");
                        Console.WriteLine($"    max |GenRnn - reference|: {Checks.TakeReport()}");
                    }
                    catch (TargetInvocationException e) when (e.InnerException is not null)
                    {
                        Console.WriteLine($"{type.Name,-19} {cell,-4} {size,-6} FAILED: {e.InnerException.GetType().Name}: {e.InnerException.Message}");
                        Checks.TakeReport();
                        failures++;
                    }

                    cases++;
                }
            }
        }

        Console.WriteLine($"Smoke: {cases} cases, {calls} benchmark calls, {failures} failed, {total.Elapsed.TotalSeconds:F1} s.");
        return failures == 0 ? 0 : 1;
    }

    // GlobalSetup (with its checks), every [Benchmark] method once, GlobalCleanup: what BenchmarkDotNet does per case.
    private static string RunCase(Type type, MethodInfo[] benchmarks, Cell cell, string size, ref int calls)
    {
        var instance = (CaseBenchmark)Activator.CreateInstance(type)!;
        instance.Cell = cell;
        instance.Size = size;
        Invoke<GlobalSetupAttribute>(instance);
        var ran = new List<string>();
        try
        {
            foreach (MethodInfo method in benchmarks)
            {
                method.Invoke(instance, null);
                ran.Add(method.Name);
                calls++;
            }
        }
        finally
        {
            Invoke<GlobalCleanupAttribute>(instance);
        }

        return string.Join(", ", ran);
    }

    private static void Invoke<TAttribute>(object instance)
        where TAttribute : Attribute
    {
        foreach (MethodInfo method in instance.GetType().GetMethods().Where(m => m.IsDefined(typeof(TAttribute))))
        {
            method.Invoke(instance, null);
        }
    }
}
