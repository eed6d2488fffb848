using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using GenRnn.Benchmarks;

// Options of our own, taken out before the rest goes to BenchmarkDotNet's switcher:
//   --size 8x32[,16x64]   only these sizes          --cell lstm[,gru]   only these cells
//   --smoke               every benchmark method once, directly, without BenchmarkDotNet (the CI step)
//   --dry                 shorthand for BenchmarkDotNet's --job Dry (each benchmark once, in its own process)
// Without --filter (or a category filter), every benchmark runs instead of the interactive menu.
var options = Options.Parse(args);
if (options.Smoke)
{
    return Smoke.Run(options);
}

// One summary table per benchmark class, so each table has its own GenRnn baseline for the Ratio column.
ManualConfig config = ManualConfig.Create(DefaultConfig.Instance).AddFilter(new SimpleFilter(options.Includes));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(options.SwitcherArguments, config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
