using System.Collections.Generic;
using System.Text;

namespace GenRnn
{
    /// <summary>The activation an LSTM applies to its cell input (g) or to its cell state before the output gate.</summary>
    // Compiled into the generator too (src/GenRnn/Cells is linked), internal there as CellKind is.
#if GENRNN_GENERATOR
    internal
#else
    public
#endif
    enum CellActivation
    {
        /// <summary>tanh, as every standard LSTM.</summary>
        Tanh = 0,

        /// <summary>None: g = a_g (NIAF) or h' = o c' (NOAF) (Greff et al. 2016).</summary>
        Identity = 1,
    }

    /// <summary>
    /// The options of one LSTM layer, as <c>[Lstm]</c> declares them (Greff et al. 2016, "LSTM: A Search Space Odyssey"):
    /// each gate may be removed (fixed at 1), the forget gate coupled to the input gate (f = 1 − i), peepholes added for
    /// the gates that exist, and either tanh replaced by the identity. The default is PyTorch's <c>nn.LSTM</c>. Exact
    /// equations: docs/api.md. A value with value equality, so the generator's incremental cache compares it.
    /// </summary>
#if GENRNN_GENERATOR
    internal
#else
    public
#endif
    sealed record LstmOptions
    {
        /// <summary>PyTorch's nn.LSTM: every gate, no peepholes, tanh on both sides.</summary>
        public static LstmOptions Default { get; } = new();

        /// <summary>false: i = 1 (NIG).</summary>
        public bool InputGate { get; init; } = true;

        /// <summary>false: f = 1, the 1997 LSTM (NFG).</summary>
        public bool ForgetGate { get; init; } = true;

        /// <summary>false: o = 1 (NOG).</summary>
        public bool OutputGate { get; init; } = true;

        /// <summary>true: f = 1 − i, with no forget-gate weights (CIFG).</summary>
        public bool CoupledGates { get; init; }

        /// <summary>true: diagonal peepholes p_i, p_f on c and p_o on c', for the gates that exist.</summary>
        public bool Peepholes { get; init; }

        /// <summary>The activation of the cell input g (identity: NIAF).</summary>
        public CellActivation CellInputActivation { get; init; }

        /// <summary>The activation of c' before the output gate (identity: NOAF).</summary>
        public CellActivation CellOutputActivation { get; init; }

        /// <summary>Whether the forget gate has its own weights (a block f): it exists and is not coupled to i.</summary>
        internal bool OwnForgetGate => ForgetGate && !CoupledGates;

        /// <summary>
        /// Why this combination cannot be built, with the fix, or null when it can. The generator reports it as GRNN009;
        /// the runtime throws it as an ArgumentException.
        /// </summary>
        public string? Conflict =>
            CoupledGates && !InputGate ? "sets CoupledGates = true with InputGate = false; the coupled forget gate is 1 − i and needs the input gate: remove InputGate = false or CoupledGates = true"
            : CoupledGates && !ForgetGate ? "sets CoupledGates = true with ForgetGate = false; CoupledGates replaces the forget gate by 1 − i, ForgetGate = false fixes it at 1: remove one of them"
            : Peepholes && !InputGate && !ForgetGate && !OutputGate ? "sets Peepholes = true with InputGate = false, ForgetGate = false and OutputGate = false; peepholes feed the gates and there is none: remove Peepholes = true or keep a gate"
            : null;

        /// <summary>The gate blocks in PyTorch's order i, f, g, o, those absent left out (VARIANTS.md's gate_order).</summary>
        internal string[] GateBlocks()
        {
            var blocks = new List<string>(4);
            if (InputGate)
            {
                blocks.Add("i");
            }

            if (OwnForgetGate)
            {
                blocks.Add("f");
            }

            blocks.Add("g");
            if (OutputGate)
            {
                blocks.Add("o");
            }

            return [.. blocks];
        }

        /// <summary>The peephole vectors, one for each gate that exists and has weights (CIFG has no peephole_f).</summary>
        internal string[] Diagonals()
        {
            if (!Peepholes)
            {
                return [];
            }

            var diagonals = new List<string>(3);
            if (InputGate)
            {
                diagonals.Add("peephole_i");
            }

            if (OwnForgetGate)
            {
                diagonals.Add("peephole_f");
            }

            if (OutputGate)
            {
                diagonals.Add("peephole_o");
            }

            return [.. diagonals];
        }

        /// <summary>As the attribute's named arguments that differ from the default: <c>InputGate = false, Peepholes = true</c>.</summary>
        public string Arguments()
        {
            var s = new StringBuilder();
            void Add(bool differs, string text)
            {
                if (differs)
                {
                    s.Append(s.Length > 0 ? ", " : "").Append(text);
                }
            }

            Add(!InputGate, "InputGate = false");
            Add(!ForgetGate, "ForgetGate = false");
            Add(!OutputGate, "OutputGate = false");
            Add(CoupledGates, "CoupledGates = true");
            Add(Peepholes, "Peepholes = true");
            Add(CellInputActivation != CellActivation.Tanh, $"CellInputActivation = CellActivation.{CellInputActivation}");
            Add(CellOutputActivation != CellActivation.Tanh, $"CellOutputActivation = CellActivation.{CellOutputActivation}");
            return s.ToString();
        }

        /// <summary>As C# that creates it (the generated Description writes it).</summary>
        internal string Expression()
        {
            string args = Arguments()
                .Replace("CellActivation.", "global::GenRnn.CellActivation.");
            return $"new global::GenRnn.LstmOptions {{ {args} }}";
        }
    }
}
