using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

public class OptimizerTests
{
    private const int N = 37; // not a multiple of any vector width
    private const int Steps = 6;

    private static float[] Run(IOptimizer optimizer, float[] start, float[][] gradients)
    {
        float[] p = (float[])start.Clone();
        foreach (float[] g in gradients)
        {
            optimizer.Step(p, g);
        }

        return p;
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 0.0, false)]
    [InlineData(0.9, 0.3, 0.0, false)]
    [InlineData(0.8, 0.0, 0.01, true)]
    [InlineData(0.0, 0.0, 0.05, false)]
    public void Sgd_matches_PyTorch_rules(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        float[] start = TestData.Uniform(N, 1);
        float[][] g = TestData.Gradients(Steps, N, 2);
        var sgd = new Sgd(N, 0.1, momentum, dampening, weightDecay, nesterov);
        float[] actual = Run(sgd, start, g);
        double[] expected = TorchReference.Sgd(start, g, 0.1, momentum, dampening, weightDecay, nesterov);
        TestData.AssertClose(expected, actual, 1e-5, 1e-6);
        Assert.Equal(Steps, sgd.StepCount);
    }

    [Fact]
    public void Sgd_momentum_by_hand()
    {
        // p = 1, g = 1, lr = 0.1, μ = 0.9: b = 1, 1.9, 2.71 → p = 0.9, 0.71, 0.439.
        var sgd = new Sgd(1, 0.1, momentum: 0.9);
        float[] p = [1f];
        float[] expected = [0.9f, 0.71f, 0.439f];
        foreach (float e in expected)
        {
            sgd.Step(p, [1f]);
            Assert.Equal(e, p[0], 6);
        }
    }

    [Fact]
    public void Sgd_first_momentum_step_takes_the_gradient_undampened()
    {
        // PyTorch: b = g at the first step (not (1 − dampening)·g), then b = μ·b + (1 − d)·g.
        var sgd = new Sgd(1, 0.1, momentum: 0.9, dampening: 0.5);
        float[] p = [1f];
        sgd.Step(p, [1f]);
        Assert.Equal(0.9f, p[0], 6); // b = 1
        sgd.Step(p, [1f]);
        Assert.Equal(0.76f, p[0], 6); // b = 0.9 + 0.5 = 1.4
    }

    [Fact]
    public void Sgd_weight_decay_by_hand()
    {
        // g' = g + wd·p = 0.5 + 0.1·2 = 0.7; p = 2 − 0.1·0.7 = 1.93.
        var sgd = new Sgd(1, 0.1, weightDecay: 0.1);
        float[] p = [2f];
        sgd.Step(p, [0.5f]);
        Assert.Equal(1.93f, p[0], 6);
    }

    [Theory]
    [InlineData(0.9, 0.999, 0.0, false)]
    [InlineData(0.5, 0.9, 0.0, false)]
    [InlineData(0.9, 0.999, 0.02, false)]
    [InlineData(0.9, 0.99, 0.0, true)]
    [InlineData(0.6, 0.95, 0.01, true)]
    public void Adam_matches_PyTorch_rules(double beta1, double beta2, double weightDecay, bool amsgrad)
    {
        float[] start = TestData.Uniform(N, 3);
        float[][] g = TestData.Gradients(Steps, N, 4);
        var adam = new Adam(N, 0.01, beta1, beta2, 1e-8, weightDecay, amsgrad);
        float[] actual = Run(adam, start, g);
        double[] expected = TorchReference.Adam(start, g, 0.01, beta1, beta2, 1e-8, weightDecay, amsgrad);
        TestData.AssertClose(expected, actual, 1e-5, 1e-6);
    }

    [Fact]
    public void Adam_with_a_constant_gradient_moves_by_the_learning_rate_each_step()
    {
        // With bias correction m̂ = g and v̂ = g² at every step, so each update is lr·g/(|g| + eps) ≈ lr.
        var adam = new Adam(1, 0.1);
        float[] p = [1f];
        for (int t = 1; t <= 4; t++)
        {
            adam.Step(p, [2f]);
            Assert.Equal(1f - 0.1f * t, p[0], 5);
        }
    }

    [Fact]
    public void Adam_adds_epsilon_after_the_square_root_of_the_corrected_second_moment()
    {
        // g = 1e-4, eps = 1e-4: update = lr·g/(g + eps) = lr/2. (eps inside the sqrt would give lr·1e-4/sqrt(1e-8 + 1e-4) ≈ 0.0099·lr.)
        var adam = new Adam(1, 1, epsilon: 1e-4);
        float[] p = [0f];
        adam.Step(p, [1e-4f]);
        Assert.Equal(-0.5f, p[0], 5);
    }

    [Theory]
    [InlineData(0.99, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 0.0, true)]
    [InlineData(0.99, 0.9, 0.0, false)]
    [InlineData(0.95, 0.5, 0.03, true)]
    [InlineData(0.99, 0.0, 0.01, false)]
    public void RMSprop_matches_PyTorch_rules(double alpha, double momentum, double weightDecay, bool centered)
    {
        float[] start = TestData.Uniform(N, 5);
        float[][] g = TestData.Gradients(Steps, N, 6);
        var rms = new RMSprop(N, 0.01, alpha, 1e-8, weightDecay, momentum, centered);
        float[] actual = Run(rms, start, g);
        double[] expected = TorchReference.RmsProp(start, g, 0.01, alpha, 1e-8, weightDecay, momentum, centered);
        TestData.AssertClose(expected, actual, 1e-5, 1e-6);
    }

    [Fact]
    public void RMSprop_by_hand()
    {
        // g = 2, α = 0.99: v = 0.04 → p −= 0.01·2/0.2 = 0.1; v = 0.99·0.04 + 0.01·4 = 0.0796 → p −= 0.02/sqrt(0.0796).
        var rms = new RMSprop(1, 0.01);
        float[] p = [1f];
        rms.Step(p, [2f]);
        Assert.Equal(0.9f, p[0], 6);
        rms.Step(p, [2f]);
        Assert.Equal(0.829112f, p[0], 5);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var adam = new Adam(3);
        Assert.Equal(1e-3, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-8, adam.Epsilon);
        Assert.Equal(0.0, adam.WeightDecay);
        Assert.False(adam.AmsGrad);
        var rms = new RMSprop(3);
        Assert.Equal(1e-2, rms.LearningRate);
        Assert.Equal(0.99, rms.Alpha);
        Assert.Equal(1e-8, rms.Epsilon);
        Assert.Equal(0.0, rms.Momentum);
        Assert.False(rms.Centered);
        var sgd = new Sgd(3);
        Assert.Equal(1e-3, sgd.LearningRate);
        Assert.Equal(0.0, sgd.Momentum);
    }

    public static TheoryData<string> Kinds => new() { "sgd", "sgd-nesterov-wd", "adam", "adam-amsgrad-wd", "rmsprop", "rmsprop-centered-momentum-wd" };

    private static Optimizer Make(string kind, int n = N) => kind switch
    {
        "sgd" => new Sgd(n, 0.05, momentum: 0.9, dampening: 0.1),
        "sgd-nesterov-wd" => new Sgd(n, 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        "adam" => new Adam(n, 0.01),
        "adam-amsgrad-wd" => new Adam(n, 0.01, weightDecay: 0.01, amsGrad: true),
        "rmsprop" => new RMSprop(n, 0.01),
        "rmsprop-centered-momentum-wd" => new RMSprop(n, 0.01, momentum: 0.5, weightDecay: 0.01, centered: true),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Exported_state_resumes_bit_for_bit(string kind)
    {
        float[] start = TestData.Uniform(N, 7);
        float[][] g = TestData.Gradients(5, N, 8);
        Optimizer original = Make(kind);
        float[] p = (float[])start.Clone();
        for (int t = 0; t < 3; t++)
        {
            original.Step(p, g[t]);
        }

        OptimizerState state = original.ExportState();
        Optimizer resumed = Make(kind);
        resumed.LearningRate = 0.5; // overwritten by the import, as torch's load_state_dict restores lr
        resumed.ImportState(state);
        Assert.Equal(3, resumed.StepCount);
        Assert.Equal(original.LearningRate, resumed.LearningRate);
        float[] q = (float[])p.Clone();
        for (int t = 3; t < 5; t++)
        {
            original.Step(p, g[t]);
            resumed.Step(q, g[t]);
        }

        Assert.Equal(p, q);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Without_its_state_a_fresh_optimizer_diverges(string kind)
    {
        // The counterpart of the resume test: the state matters, so that test could fail.
        float[] start = TestData.Uniform(N, 7);
        float[][] g = TestData.Gradients(5, N, 8);
        Optimizer original = Make(kind), fresh = Make(kind);
        float[] p = (float[])start.Clone();
        for (int t = 0; t < 3; t++)
        {
            original.Step(p, g[t]);
        }

        float[] q = (float[])p.Clone();
        original.Step(p, g[3]);
        fresh.Step(q, g[3]);
        Assert.NotEqual(p, q);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Reset_behaves_as_a_new_optimizer(string kind)
    {
        float[] start = TestData.Uniform(N, 9);
        float[][] g = TestData.Gradients(4, N, 10);
        Optimizer used = Make(kind);
        float[] scratch = (float[])start.Clone();
        used.Step(scratch, g[0]);
        used.Step(scratch, g[1]);
        used.Reset();
        Assert.Equal(0, used.StepCount);
        Assert.Equal(Run(Make(kind), start, g), Run(used, start, g));
    }

    [Fact]
    public void Exported_state_is_a_copy_and_named_as_PyTorch()
    {
        var adam = new Adam(4, 0.01, amsGrad: true);
        float[] p = [1, 2, 3, 4];
        adam.Step(p, [1, 1, 1, 1]);
        OptimizerState state = adam.ExportState();
        Assert.Equal("Adam", state.Kind);
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], state.Buffers.Select(b => b.Name));
        Assert.All(state.Buffers, b => Assert.Equal([4], b.Shape));
        Assert.Equal(0.1f, state.Buffers[0].Data[0], 6); // m = (1 − 0.9)·1
        state.Buffers[0].Data[0] = 123f;
        Assert.Equal(0.1f, adam.ExportState().Buffers[0].Data[0], 6);
        Assert.Equal(["momentum_buffer"], new Sgd(2, momentum: 0.5).ExportState().Buffers.Select(b => b.Name));
        Assert.Empty(new Sgd(2).ExportState().Buffers);
        Assert.Equal(["square_avg", "momentum_buffer", "grad_avg"], new RMSprop(2, momentum: 0.5, centered: true).ExportState().Buffers.Select(b => b.Name));
    }

    public static TheoryData<string> BadStates => new()
    {
        "kind", "configuration", "length", "negative-step", "bad-lr", "duplicate-buffer", "renamed-buffer", "shape",
    };

    [Theory]
    [MemberData(nameof(BadStates))]
    public void Import_of_an_unfitting_state_throws_and_changes_nothing(string problem)
    {
        var adam = new Adam(N, 0.01);
        float[] p = TestData.Uniform(N, 11);
        adam.Step(p, TestData.Uniform(N, 12));
        adam.Step(p, TestData.Uniform(N, 13));
        OptimizerState before = adam.ExportState();
        OptimizerState good = new Adam(N, 0.02).ExportState() with { StepCount = 7 };
        float[] other = new float[N];
        OptimizerState bad = problem switch
        {
            "kind" => new Sgd(N, momentum: 0.9).ExportState() with { Buffers = good.Buffers },
            "configuration" => new Adam(N, amsGrad: true).ExportState(),
            "length" => new Adam(N + 1).ExportState(),
            "negative-step" => good with { StepCount = -1 },
            "bad-lr" => good with { LearningRate = double.NaN },
            "duplicate-buffer" => good with { Buffers = [good.Buffers[0], good.Buffers[0]] },
            "renamed-buffer" => good with { Buffers = [good.Buffers[0], new NamedTensor("square_avg", [N], other)] },
            "shape" => good with { Buffers = [good.Buffers[0], new NamedTensor("exp_avg_sq", [1, N], other)] },
            _ => throw new ArgumentException(problem),
        };

        var e = Assert.Throws<ArgumentException>(() => adam.ImportState(bad));
        Assert.Equal("state", e.ParamName);
        OptimizerState after = adam.ExportState();
        Assert.Equal(before.StepCount, after.StepCount);
        Assert.Equal(before.LearningRate, after.LearningRate);
        for (int i = 0; i < before.Buffers.Count; i++)
        {
            Assert.Equal(before.Buffers[i].Data, after.Buffers[i].Data);
        }

        adam.ImportState(good); // and the good one is accepted
        Assert.Equal(7, adam.StepCount);
        Assert.Equal(0.02, adam.LearningRate);
    }

    [Fact]
    public void Step_checks_the_lengths_before_counting()
    {
        var sgd = new Sgd(4, 0.1);
        var e1 = Assert.Throws<ArgumentException>(() => sgd.Step(new float[3], new float[4]));
        Assert.Equal("parameters", e1.ParamName);
        var e2 = Assert.Throws<ArgumentException>(() => sgd.Step(new float[4], new float[5]));
        Assert.Equal("gradients", e2.ParamName);
        Assert.Equal(0, sgd.StepCount);
    }

    [Fact]
    public void Step_leaves_the_gradients_alone()
    {
        foreach (string kind in Kinds)
        {
            float[] g = TestData.Uniform(N, 14);
            float[] copy = (float[])g.Clone();
            float[] p = TestData.Uniform(N, 15);
            Optimizer o = Make(kind);
            o.Step(p, g);
            o.Step(p, g);
            Assert.Equal(copy, g);
        }
    }

    [Fact]
    public void Hyperparameters_are_validated()
    {
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, -0.1)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, double.NaN)).ParamName);
        Assert.Equal("parameterCount", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(0)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, beta1: 1.0)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, beta2: -0.1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, epsilon: double.NaN)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(3, weightDecay: -1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(3, alpha: 1.5)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, momentum: -0.5)).ParamName);
        Assert.Equal("dampening", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, momentum: 0.5, dampening: 2)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd(3, nesterov: true)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd(3, momentum: 0.9, dampening: 0.1, nesterov: true)).ParamName);
        var adam = new Adam(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = -1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = double.PositiveInfinity);
        Assert.Equal(1e-3, adam.LearningRate);
    }

    [Fact]
    public void A_new_learning_rate_applies_to_the_next_step()
    {
        var sgd = new Sgd(1, 0.1);
        float[] p = [1f];
        sgd.Step(p, [1f]);
        sgd.LearningRate = 0.01;
        sgd.Step(p, [1f]);
        Assert.Equal(0.89f, p[0], 6);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_does_not_allocate(string kind)
    {
        const int n = 1003;
        Optimizer o = Make(kind, n);
        float[] p = TestData.Uniform(n, 16);
        float[] g = TestData.Uniform(n, 17, -1e-3f, 1e-3f);
        for (int i = 0; i < 5; i++)
        {
            o.Step(p, g); // warm-up (JIT, first-step branches)
        }

        int windows = 0;
        AllocationAssert.NothingAllocated(
            () =>
            {
                windows++;
                for (int i = 0; i < 500; i++)
                {
                    o.Step(p, g);
                }
            },
            $"500 {kind} steps");
        Assert.Equal(5 + (500 * windows), o.StepCount);
    }
}
