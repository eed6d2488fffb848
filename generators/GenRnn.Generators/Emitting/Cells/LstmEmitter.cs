using System.Collections.Generic;
using GenRnn.Generators.Model;
using static GenRnn.Generators.Emitting.CellEmitter;

namespace GenRnn.Generators.Emitting;

// The table entry that makes this the emitter of its kinds (CellFamilyEmitter.For).
internal abstract partial class CellFamilyEmitter
{
    private static readonly CellFamilyEmitter s_lstm = Register(new LstmEmitter(), CellKind.Lstm, CellKind.LstmNoForgetGate, CellKind.PeepholeLstm, CellKind.GatelessLstm, CellKind.LstmVariant);
}

/// <summary>
/// The LSTMs (with and without a forget gate, with peepholes): the gates and the state c, their gradient and dc. Which
/// gates and peepholes exist is read from the layer's GenRnn.Cells.CellFamily; the products are the summed ones.
/// </summary>
internal sealed class LstmEmitter : CellFamilyEmitter
{
    /// <inheritdoc/>
    public override string UpdateCall(LayerLayout layer, string r, string st, string gh) =>
        $"Layer{layer.Index}Update(ref {At(r, layer.RecordGates)}, ref {At(st, layer.StateH)}, ref {At(st, layer.StateC)}, ref {At(r, layer.RecordC)}, ref {At(r, layer.RecordH)}{(layer.Model.Family.Diagonals.Count > 0 ? $", ref {At("p", layer.Peepholes)}" : "")});";

    /// <inheritdoc/>
    public override void WriteUpdate(SourceWriter w, LayerLayout layer)
    {
        LstmGates gates = new(layer.Model);
        int h = layer.Model.HiddenSize, l = layer.Index;
        bool peephole = gates.Peepholes;
        w.Line(gates.Equations);
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Update(ref float gates, ref float h, ref float c, ref float recC, ref float recH{(peephole ? ", ref float peep" : "")})");
        Loops.Elementwise(w, h, v =>
        {
            w.Line($"var cp = {v.Load("c", "n")};");
            if (gates.Input)
            {
                w.Line($"var i = {v.Sigmoid(v.Load("gates", $"n + {gates.I}") + (gates.PI >= 0 ? $" + {v.Load("peep", Peep(gates.PI))} * cp" : ""))};");
            }

            if (gates.Forget)
            {
                w.Line($"var f = {v.Sigmoid(v.Load("gates", $"n + {gates.F}") + (gates.PF >= 0 ? $" + {v.Load("peep", Peep(gates.PF))} * cp" : ""))};");
            }
            else if (gates.Coupled)
            {
                w.Line($"var f = {v.One} - i;");
            }

            string ag = v.Load("gates", $"n + {gates.G}");
            w.Line($"var gg = {(gates.InputIdentity ? ag : v.Tanh(ag))};");
            w.Line($"var cn = {(gates.Forget || gates.Coupled ? "f * cp" : "cp")} + {(gates.Input ? "i * gg" : "gg")};");
            if (gates.Output)
            {
                w.Line($"var o = {v.Sigmoid(v.Load("gates", $"n + {gates.O}") + (gates.PO >= 0 ? $" + {v.Load("peep", Peep(gates.PO))} * cn" : ""))};");
            }

            w.Line($"var hn = {(gates.Output ? "o * " : "")}{(gates.OutputIdentity ? "cn" : v.Tanh("cn"))};");
            foreach ((int at, string value) in gates.Present("i", "f", "gg", "o"))
            {
                w.Line(v.Store("gates", $"n + {at}", value));
            }

            w.Line(v.Store("c", "n", "cn"));
            w.Line(v.Store("recC", "n", "cn"));
            w.Line(v.Store("h", "n", "hn"));
            w.Line(v.Store("recH", "n", "hn"));
        });
        w.Close();
    }

    /// <inheritdoc/>
    public override void WriteBackwardStep(SourceWriter w, KernelEmitter k, LayerLayout layer, Offset header, Offset stride)
    {
        LayerModel m = layer.Model;
        int h = layer.Model.HiddenSize, gh = layer.Model.GateSize, l = layer.Index;
        w.Line($"ref float cPrev = ref t == 0 ? ref {At("d0", layer.StateC)} : ref {Names.Unsafe}.Add(ref d0, {header + layer.RecordC - stride} + t * {stride});");
        string peep = m.Family.Diagonals.Count > 0 ? $", ref {At("p", layer.Peepholes)}, ref {At("g", layer.Peepholes)}" : "";
        w.Line($"Layer{l}Gradient(ref gates, ref {At("rec", layer.RecordC)}, ref cPrev, ref dh, ref {At("carry", layer.StateC)}{peep});");
        GemvTransposed(w, k, layer.WeightHh, h, gh, 0, gh, "gates", 0, "dh");
    }

    /// <inheritdoc/>
    public override void WriteGradient(SourceWriter w, LayerLayout layer)
    {
        LstmGates gates = new(layer.Model);
        int h = layer.Model.HiddenSize, l = layer.Index;
        bool peephole = gates.Peepholes;
        w.Line("// dc_total = dc + dh o (1 - tanh(c)^2); da_i = dc_total g i (1 - i); da_f = dc_total c_prev f (1 - f);");
        w.Line("// da_g = dc_total i (1 - g^2); da_o = dh tanh(c) o (1 - o); dc_prev = dc_total f (+ peephole terms). da replaces the gates.");
        if (gates.Coupled || gates.InputIdentity || gates.OutputIdentity)
        {
            w.Line($"// This layer: {layer.Model.Lstm?.Arguments()} (f = 1 - i: dc'/di = g - c_prev; identity: its derivative is 1).");
        }

        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Gradient(ref float gates, ref float recC, ref float cPrev, ref float dh, ref float dc{(peephole ? ", ref float peep, ref float dpeep" : "")})");
        Loops.Elementwise(w, h, v =>
        {
            foreach ((int at, string value) in gates.Present("i", "f", "gg", "o"))
            {
                w.Line($"var {value} = {v.Load("gates", $"n + {at}")};");
            }

            if (gates.Coupled)
            {
                w.Line($"var f = {v.One} - i;");
            }

            w.Line($"var ct = {v.Load("recC", "n")};");
            w.Line($"var cp = {v.Load("cPrev", "n")};");

            w.Line($"var tc = {(gates.OutputIdentity ? "ct" : v.Tanh("ct"))};");
            w.Line($"var dhv = {v.Load("dh", "n")};");
            if (gates.Output)
            {
                w.Line($"var dao = dhv * tc * o * ({v.One} - o);");
            }

            string throughH = gates.OutputIdentity ? (gates.Output ? "dhv * o" : "dhv") : $"dhv * {(gates.Output ? "o * " : "")}({v.One} - tc * tc)";
            w.Line($"var dct = {v.Load("dc", "n")} + {throughH}{(gates.PO >= 0 ? $" + dao * {v.Load("peep", Peep(gates.PO))}" : "")};");
            if (gates.Input)
            {
                w.Line($"var dai = dct * {(gates.Coupled ? "(gg - cp)" : "gg")} * i * ({v.One} - i);");
            }

            if (gates.Forget)
            {
                w.Line($"var daf = dct * cp * f * ({v.One} - f);");
            }

            w.Line(gates.InputIdentity
                ? $"var dag = {(gates.Input ? "dct * i" : "dct")};"
                : $"var dag = dct * {(gates.Input ? "i * " : "")}({v.One} - gg * gg);");
            foreach ((int at, string value) in gates.Present("dai", "daf", "dag", "dao"))
            {
                w.Line(v.Store("gates", $"n + {at}", value));
            }

            string dcPrev = (gates.Forget || gates.Coupled ? "dct * f" : "dct")
                + (gates.PI >= 0 ? $" + dai * {v.Load("peep", Peep(gates.PI))}" : "")
                + (gates.PF >= 0 ? $" + daf * {v.Load("peep", Peep(gates.PF))}" : "");
            w.Line(v.Store("dc", "n", dcPrev));
            w.Line(v.Store("dh", "n", v.Zero));
            foreach ((int at, string da, string c) in new[] { (gates.PI, "dai", "cp"), (gates.PF, "daf", "cp"), (gates.PO, "dao", "ct") })
            {
                if (at >= 0)
                {
                    w.Line(v.Store("dpeep", Peep(at), $"{v.Load("dpeep", Peep(at))} + {da} * {c}"));
                }
            }
        });
        w.Close();
    }

    // The element n of a vector at offset k in the peepholes: "n" or "n + k".
    private static string Peep(int k) => k == 0 ? "n" : $"n + {k}";

    /// <summary>
    /// Which of the gates i, f, o the layer has (g is always there), where each block starts in the gates, where each
    /// peephole vector starts in the diagonals (-1 when absent), and the activations, read from the layer's
    /// GenRnn.Cells.CellFamily and its LstmOptions.
    /// </summary>
    private readonly struct LstmGates
    {
        public LstmGates(LayerModel m)
        {
            int h = m.HiddenSize;
            I = m.Family.BlockOf("i") * h;
            F = m.Family.BlockOf("f") * h;
            G = m.Family.BlockOf("g") * h;
            O = m.Family.BlockOf("o") * h;
            Peepholes = m.Family.Diagonals.Count > 0;
            PI = Diagonal(m, "peephole_i");
            PF = Diagonal(m, "peephole_f");
            PO = Diagonal(m, "peephole_o");
            LstmOptions options = m.Family.Lstm ?? LstmOptions.Default;
            Coupled = options.CoupledGates;
            InputIdentity = options.CellInputActivation == CellActivation.Identity;
            OutputIdentity = options.CellOutputActivation == CellActivation.Identity;
            IsVariant = m.Cell == CellKind.LstmVariant;
        }

        /// <summary>A LstmVariant layer: its equations are written from its options.</summary>
        public bool IsVariant { get; }

        public int PI { get; }

        public int PF { get; }

        public int PO { get; }

        /// <summary>f = 1 - i (CIFG): no block of its own.</summary>
        public bool Coupled { get; }

        public bool InputIdentity { get; }

        public bool OutputIdentity { get; }

        public int I { get; }

        public int F { get; }

        public int G { get; }

        public int O { get; }

        public bool Input => I >= 0;

        public bool Forget => F >= 0;

        public bool Output => O >= 0;

        public bool Peepholes { get; }

        /// <summary>Each gate that exists, in the order i, f, g, o: its offset in the gates and the name given for it.</summary>
        public IEnumerable<(int At, string Name)> Present(string i, string f, string g, string o)
        {
            if (Input)
            {
                yield return (I, i);
            }

            if (Forget)
            {
                yield return (F, f);
            }

            yield return (G, g);
            if (Output)
            {
                yield return (O, o);
            }
        }

        /// <summary>The update's equations, as a comment over LayerNUpdate.</summary>
        public string Equations =>
            IsVariant ? "// " + Variant
            : Peepholes ? "// i = s(a_i + p_i c), f = s(a_f + p_f c), c' = f c + i tanh(a_g), o = s(a_o + p_o c'), h' = o tanh(c')"
            : !Input && !Output ? "// the LSTM idea: c' = c + tanh(g), h' = tanh(c')"
            : Forget ? "// c' = s(f) c + s(i) tanh(g), h' = s(o) tanh(c')"
            : "// 1997 LSTM: c' = c + s(i) tanh(g), h' = s(o) tanh(c')";

        // The equations of a LstmVariant layer, written from what it has.
        private string Variant =>
            $"i = {(Input ? (PI >= 0 ? "s(a_i + p_i c)" : "s(a_i)") : "1")}, f = {(Forget ? (PF >= 0 ? "s(a_f + p_f c)" : "s(a_f)") : Coupled ? "1 - i" : "1")}, " +
            $"g = {(InputIdentity ? "a_g" : "tanh(a_g)")}, c' = f c + i g, o = {(Output ? (PO >= 0 ? "s(a_o + p_o c')" : "s(a_o)") : "1")}, " +
            $"h' = o {(OutputIdentity ? "c'" : "tanh(c')")}";

        // The offset of the named peephole vector in the layer's diagonals, or -1.
        private static int Diagonal(LayerModel m, string name)
        {
            for (int k = 0; k < m.Family.Diagonals.Count; k++)
            {
                if (m.Family.Diagonals[k] == name)
                {
                    return k * m.HiddenSize;
                }
            }

            return -1;
        }
    }
}
