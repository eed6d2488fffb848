using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>Writes the dense head y = F(W h + b) and its backward pass side by side.</summary>
internal static class HeadEmitter
{
    /// <summary>Heads with fewer outputs than the narrowest vector (8 floats) take <see cref="KernelEmitter.Dot"/>.</summary>
    private const int NarrowOutputs = 8;

    public static void WriteForward(SourceWriter w, KernelEmitter k, ModelLayout layout)
    {
        int o = layout.Model.HeadOutputs, h = layout.Top.Model.HiddenSize;
        w.Line($"// Head: y [{o}] = {layout.Model.HeadActivation}(W h + b), W stored transposed [{h}][{o}]");
        w.Line(Names.MethodImpl);
        w.Open("private static void HeadForward(ref float p, ref float h, ref float y)");
        w.Line($"{k.Copy(o)}(ref {CellEmitter.At("p", layout.HeadBias)}, ref y);");
        if (o < NarrowOutputs)
        {
            // Fewer outputs than a vector holds: the gate kernels' form (a vector of outputs per k) would be one scalar
            // chain of h dependent multiply-adds per output in every step (not on the recurrent chain, which needs h
            // only, but on the latency of y).
            w.Line($"{k.Dot(h, o)}(ref {CellEmitter.At("p", layout.HeadWeight)}, ref h, ref y);");
        }
        else
        {
            CellEmitter.Gemv(w, k, layout.HeadWeight, h, o, 0, o, "h", "y");
        }

        switch (layout.Model.HeadActivation)
        {
            case HeadActivation.Tanh:
                w.Open();
                Loops.Elementwise(w, o, v => w.Line(v.Store("y", "n", v.Tanh(v.Load("y", "n")))));
                w.Close();
                break;
            case HeadActivation.Sigmoid:
                w.Open();
                Loops.Elementwise(w, o, v => w.Line(v.Store("y", "n", v.Sigmoid(v.Load("y", "n")))));
                w.Close();
                break;
            case HeadActivation.Softmax:
                w.Line("// Subtracting the maximum keeps exp from overflowing.");
                w.Line($"float max = y;");
                w.Line($"for (int n = 1; n < {o}; n++) max = global::System.MathF.Max(max, {Names.Unsafe}.Add(ref y, n));");
                w.Line("float sum = 0f;");
                w.Open($"for (int n = 0; n < {o}; n++)");
                w.Line($"float e = global::System.MathF.Exp({Names.Unsafe}.Add(ref y, n) - max);");
                w.Line($"{Names.Unsafe}.Add(ref y, n) = e;");
                w.Line("sum += e;");
                w.Close();
                w.Line("float scale = 1f / sum;");
                w.Line($"for (int n = 0; n < {o}; n++) {Names.Unsafe}.Add(ref y, n) *= scale;");
                break;
        }

        w.Close();
    }

    public static void WriteBackward(SourceWriter w, KernelEmitter k, ModelLayout layout)
    {
        int o = layout.Model.HeadOutputs, h = layout.Top.Model.HiddenSize;
        w.Line("// Head backward: dz = dy through F (or dz given as logit gradients); dW += h dz^T, db += dz, dh += W dz");
        w.Line(Names.MethodImpl);
        w.Open("private static void HeadBackward(ref float p, ref float g, ref float h, ref float y, ref float dy, bool fromLogits, ref float dz, ref float dh)");
        if (layout.Model.HeadActivation == HeadActivation.Identity)
        {
            // Outputs are the logits: both kinds of gradient are the same.
            w.Line($"{k.Copy(o)}(ref dy, ref dz);");
        }
        else
        {
            w.Open("if (fromLogits)");
            w.Line($"{k.Copy(o)}(ref dy, ref dz);");
            w.Close();
            w.Open("else");
            WriteActivationGradient(w, layout.Model.HeadActivation, o);
            w.Close();
        }

        w.Line($"{k.Accumulate(o)}(ref dz, ref {CellEmitter.At("g", layout.HeadBias)});");
        if (o == 1)
        {
            // W is one contiguous row [h]: both products are that row scaled by dz, in vector lanes.
            w.Line($"{k.Axpy(h)}(ref h, dz, ref {CellEmitter.At("g", layout.HeadWeight)});");
            w.Line($"{k.Axpy(h)}(ref {CellEmitter.At("p", layout.HeadWeight)}, dz, ref dh);");
        }
        else
        {
            CellEmitter.Ger(w, k, layout.HeadWeight, h, o, 0, o, "h", "dz", 0);
            CellEmitter.GemvTransposed(w, k, layout.HeadWeight, h, o, 0, o, "dz", 0, "dh");
        }
        w.Close();
    }

    /// <summary>dz = dy through the head's activation, from the recorded outputs y.</summary>
    private static void WriteActivationGradient(SourceWriter w, HeadActivation activation, int o)
    {
        switch (activation)
        {
            case HeadActivation.Tanh:
                Loops.Elementwise(w, o, v => w.Line(v.Store("dz", "n", $"{v.Load("dy", "n")} * ({v.One} - {v.Load("y", "n")} * {v.Load("y", "n")})")));
                break;
            case HeadActivation.Sigmoid:
                Loops.Elementwise(w, o, v => w.Line(v.Store("dz", "n", $"{v.Load("dy", "n")} * {v.Load("y", "n")} * ({v.One} - {v.Load("y", "n")})")));
                break;
            case HeadActivation.Softmax:
                w.Line("// dz = y (dy - sum(y dy)): the softmax Jacobian applied to dy");
                w.Line("float dot = 0f;");
                w.Line($"for (int n = 0; n < {o}; n++) dot += {Names.Unsafe}.Add(ref y, n) * {Names.Unsafe}.Add(ref dy, n);");
                w.Line($"for (int n = 0; n < {o}; n++) {Names.Unsafe}.Add(ref dz, n) = {Names.Unsafe}.Add(ref y, n) * ({Names.Unsafe}.Add(ref dy, n) - dot);");
                break;
        }
    }
}
