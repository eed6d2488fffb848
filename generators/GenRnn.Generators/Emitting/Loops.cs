using System;

namespace GenRnn.Generators.Emitting;

/// <summary>Writes a loop over <c>n</c> in [0, count): Vector512 blocks, then Vector256 blocks, then a scalar tail.</summary>
internal static class Loops
{
    /// <param name="writer">Where to write.</param>
    /// <param name="count">The loop's constant bound.</param>
    /// <param name="body">Writes the body for one width; <c>n</c> is the first element of the block.</param>
    /// <param name="blocks">Vectors per iteration (register blocking) handled by <paramref name="blockedBody"/>.</param>
    /// <param name="blockedBody">Optional body that handles <paramref name="blocks"/> vectors at once.</param>
    public static void Elementwise(SourceWriter writer, int count, Action<Lanes> body, int blocks = 1, Action<Lanes, int>? blockedBody = null)
    {
        writer.Line("int n = 0;");
        foreach (Lanes lanes in new[] { Lanes.V512, Lanes.V256 })
        {
            if (count < lanes.Width)
            {
                continue;
            }

            writer.Open($"if ({lanes.Available})");
            if (blockedBody is not null && blocks > 1 && count >= blocks * lanes.Width)
            {
                writer.Open($"for (; n <= {count - blocks * lanes.Width}; n += {blocks * lanes.Width})");
                blockedBody(lanes, blocks);
                writer.Close();
            }

            writer.Open($"for (; n <= {count - lanes.Width}; n += {lanes.Width})");
            body(lanes);
            writer.Close();
            writer.Close();
        }

        writer.Open($"for (; n < {count}; n++)");
        body(Lanes.Scalar);
        writer.Close();
    }
}
