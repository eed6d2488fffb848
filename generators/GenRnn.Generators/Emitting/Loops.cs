using System;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// Writes a loop over <c>n</c> in [0, count) with the widest vectors the hardware has. The count is a constant, so
/// each width's branch holds exactly its full blocks and a tail of known length; the width checks are JIT-time
/// constants, so only one branch is compiled and the inlining budget is spent on it alone.
/// </summary>
internal static class Loops
{
    /// <param name="writer">Where to write.</param>
    /// <param name="count">The loop's constant bound.</param>
    /// <param name="body">Writes the body for one width; <c>n</c> is the first element handled.</param>
    /// <param name="blocks">Vectors per iteration (register blocking) handled by <paramref name="blockedBody"/>.</param>
    /// <param name="blockedBody">Optional body that handles <paramref name="blocks"/> vectors at once.</param>
    public static void Elementwise(SourceWriter writer, int count, Action<Lanes> body, int blocks = 1, Action<Lanes, int>? blockedBody = null)
    {
        bool opened = false;
        foreach (Lanes lanes in writer.VectorLanes)
        {
            if (count < lanes.Width)
            {
                continue;
            }

            writer.Open($"{(opened ? "else if" : "if")} ({lanes.Available})");
            WritePlan(writer, count, lanes, body, blocks, blockedBody);
            writer.Close();
            opened = true;
        }

        if (opened)
        {
            writer.Open("else");
        }

        WriteRange(writer, 0, count, Lanes.Scalar, body);
        if (opened)
        {
            writer.Close();
        }
    }

    private static void WritePlan(SourceWriter writer, int count, Lanes lanes, Action<Lanes> body, int blocks, Action<Lanes, int>? blockedBody)
    {
        int n = 0;

        // Fewer elements than the requested blocks cover still get as many accumulators as they fill.
        blocks = Math.Min(blocks, count / lanes.Width);
        if (blockedBody is not null && blocks > 1)
        {
            int span = blocks * lanes.Width;
            int end = count / span * span;
            if (end > 0)
            {
                writer.Open($"for (int n = 0; n < {end}; n += {span})");
                blockedBody(lanes, blocks);
                writer.Close();
                n = end;
            }
        }

        int full = n + (count - n) / lanes.Width * lanes.Width;
        WriteRange(writer, n, full, lanes, body);
        n = full;
        if (lanes.Width == 16 && count - n >= 8 && System.Array.IndexOf(writer.VectorLanes, Lanes.V256) >= 0)
        {
            WriteRange(writer, n, n + 8, Lanes.V256, body);
            n += 8;
        }

        WriteRange(writer, n, count, Lanes.Scalar, body);
    }

    /// <summary>Elements [start, end) with one width: a loop, or a single block with a constant n.</summary>
    private static void WriteRange(SourceWriter writer, int start, int end, Lanes lanes, Action<Lanes> body)
    {
        if (end <= start)
        {
            return;
        }

        if (end - start == lanes.Width)
        {
            writer.Open();
            writer.Line($"const int n = {start};");
        }
        else
        {
            writer.Open($"for (int n = {start}; n < {end}; n += {lanes.Width})");
        }

        body(lanes);
        writer.Close();
    }
}
