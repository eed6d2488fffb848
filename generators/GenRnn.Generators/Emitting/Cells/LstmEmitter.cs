using System.Collections.Generic;
using GenRnn.Generators.Model;
using static GenRnn.Generators.Emitting.CellEmitter;

namespace GenRnn.Generators.Emitting;

// The table entry that makes this the emitter of its kinds (CellFamilyEmitter.For).
internal abstract partial class CellFamilyEmitter
{
    private static readonly CellFamilyEmitter s_lstm = Register(new LstmEmitter(), CellKind.Lstm, CellKind.LstmNoForgetGate, CellKind.PeepholeLstm, CellKind.GatelessLstm);
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
                w.Line($"var i = {v.Sigmoid(v.Load("gates", $"n + {gates.I}") + (peephole ? $" + {v.Load("peep", "n")} * cp" : ""))};");
            }

            if (gates.Forget)
            {
                w.Line($"var f = {v.Sigmoid(v.Load("gates", $"n + {gates.F}") + (peephole ? $" + {v.Load("peep", $"n + {h}")} * cp" : ""))};");
            }

            w.Line($"var gg = {v.Tanh(v.Load("gates", $"n + {gates.G}"))};");
            w.Line($"var cn = {(gates.Forget ? "f * cp" : "cp")} + {(gates.Input ? "i * gg" : "gg")};");
            if (gates.Output)
            {
                w.Line($"var o = {v.Sigmoid(v.Load("gates", $"n + {gates.O}") + (peephole ? $" + {v.Load("peep", $"n + {2 * h}")} * cn" : ""))};");
            }

            w.Line($"var hn = {(gates.Output ? "o * " : "")}{v.Tanh("cn")};");
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
        w.Line(Names.MethodImpl);
        w.Open($"private static void Layer{l}Gradient(ref float gates, ref float recC, ref float cPrev, ref float dh, ref float dc{(peephole ? ", ref float peep, ref float dpeep" : "")})");
        Loops.Elementwise(w, h, v =>
        {
            foreach ((int at, string value) in gates.Present("i", "f", "gg", "o"))
            {
                w.Line($"var {value} = {v.Load("gates", $"n + {at}")};");
            }

            w.Line($"var ct = {v.Load("recC", "n")};");
            w.Line($"var cp = {v.Load("cPrev", "n")};");

            w.Line($"var tc = {v.Tanh("ct")};");
            w.Line($"var dhv = {v.Load("dh", "n")};");
            if (gates.Output)
            {
                w.Line($"var dao = dhv * tc * o * ({v.One} - o);");
            }

            w.Line($"var dct = {v.Load("dc", "n")} + dhv * {(gates.Output ? "o * " : "")}({v.One} - tc * tc){(peephole ? $" + dao * {v.Load("peep", $"n + {2 * h}")}" : "")};");
            if (gates.Input)
            {
                w.Line($"var dai = dct * gg * i * ({v.One} - i);");
            }

            if (gates.Forget)
            {
                w.Line($"var daf = dct * cp * f * ({v.One} - f);");
            }

            w.Line($"var dag = dct * {(gates.Input ? "i * " : "")}({v.One} - gg * gg);");
            foreach ((int at, string value) in gates.Present("dai", "daf", "dag", "dao"))
            {
                w.Line(v.Store("gates", $"n + {at}", value));
            }

            string dcPrev = !gates.Forget ? "dct" : peephole
                ? $"dct * f + dai * {v.Load("peep", "n")} + daf * {v.Load("peep", $"n + {h}")}"
                : "dct * f";
            w.Line(v.Store("dc", "n", dcPrev));
            w.Line(v.Store("dh", "n", v.Zero));
            if (peephole)
            {
                w.Line(v.Store("dpeep", "n", $"{v.Load("dpeep", "n")} + dai * cp"));
                w.Line(v.Store("dpeep", $"n + {h}", $"{v.Load("dpeep", $"n + {h}")} + daf * cp"));
                w.Line(v.Store("dpeep", $"n + {2 * h}", $"{v.Load("dpeep", $"n + {2 * h}")} + dao * ct"));
            }
        });
        w.Close();
    }

    /// <summary>
    /// Which of the gates i, f, o the layer's kind has (g is always there) and where each block starts in the gates;
    /// peepholes come with all three (p_i, p_f, p_o at 0, H, 2H of the diagonals).
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
        }

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
            Peepholes ? "// i = s(a_i + p_i c), f = s(a_f + p_f c), c' = f c + i tanh(a_g), o = s(a_o + p_o c'), h' = o tanh(c')"
            : !Input && !Output ? "// the LSTM idea: c' = c + tanh(g), h' = tanh(c')"
            : Forget ? "// c' = s(f) c + s(i) tanh(g), h' = s(o) tanh(c')"
            : "// 1997 LSTM: c' = c + s(i) tanh(g), h' = s(o) tanh(c')";
    }
}
