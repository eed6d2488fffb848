namespace Captioning;

/// <summary>The caption vocabulary.</summary>
public static class Words
{
    /// <summary>Every word, by id; 0 starts a caption and 1 ends it.</summary>
    public static readonly string[] All = ["<start>", "<end>", "a", "small", "large", "red", "green", "blue", "yellow", "circle", "square", "triangle", "left", "of", "above"];

    /// <summary>Words in the vocabulary.</summary>
    public const int Count = 15;

    /// <summary>The start token.</summary>
    public const int Start = 0;

    /// <summary>The end token.</summary>
    public const int End = 1;

    /// <summary>The id of <paramref name="word"/>.</summary>
    public static int Id(string word) => Array.IndexOf(All, word) is >= 0 and var id ? id : throw new ArgumentException($"Unknown word '{word}'.", nameof(word));

    /// <summary>The words of <paramref name="ids"/> up to the end token.</summary>
    public static string Text(IEnumerable<int> ids) => string.Join(' ', ids.TakeWhile(id => id != End).Select(id => All[id]));
}

/// <summary>A generated picture and its caption.</summary>
/// <param name="Pixels">Side × Side × 3 floats in [0, 1], row-major, RGB.</param>
/// <param name="Caption">The caption's word ids, ending with the end token.</param>
public sealed record Picture(float[] Pixels, int[] Caption);

/// <summary>
/// Pictures of one or two filled shapes (circle, square, triangle; small or large; red, green, blue, yellow; two
/// shapes never share a colour) on a black 24 × 24 canvas, captioned "a large red circle", "a small blue square left
/// of a large yellow triangle" or "a green circle above a red square". Two shapes are side by side or one above the
/// other, never diagonal, so the relation is never ambiguous. The feature vector stands in for a convolutional
/// network's: for each colour, whether it is present, its area, centroid, bounding box and how much of the box it
/// fills (a square fills it, a circle about 3/4, a triangle about half), and the width and height of everything drawn:
/// 4 × 7 + 2 = 30 floats measured on the pixels.
/// </summary>
public static class Pictures
{
    /// <summary>The canvas' side in pixels.</summary>
    public const int Side = 24;

    /// <summary>Features per picture.</summary>
    public const int FeatureCount = 30;

    private static readonly string[] Shapes = ["circle", "square", "triangle"];
    private static readonly string[] Colours = ["red", "green", "blue", "yellow"];
    private static readonly float[][] Rgb = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]];

    /// <summary>A random captioned picture.</summary>
    public static Picture Generate(Random random)
    {
        var pixels = new float[Side * Side * 3];
        var words = new List<string>();
        int count = random.Next(2) + 1;
        bool horizontal = random.Next(2) == 0;
        int firstColour = -1, across = random.Next(6, Side - 6);
        for (int k = 0; k < count; k++)
        {
            int shape = random.Next(Shapes.Length), colour = random.Next(Colours.Length);
            while (colour == firstColour) colour = random.Next(Colours.Length);
            firstColour = colour;
            bool large = random.Next(2) == 0;
            int radius = large ? 5 : 3;

            // One shape: anywhere. Two: the first in the left (or top) half, the second in the other.
            int cx, cy;
            if (count == 1)
            {
                cx = random.Next(radius, Side - radius);
                cy = random.Next(radius, Side - radius);
            }
            else
            {
                // Side by side (or one above the other) on a common line, give or take a pixel.
                int along = k == 0 ? random.Next(radius, Side / 2 - 1) : random.Next(Side / 2 + 1, Side - radius);
                int line = Math.Clamp(across + random.Next(-1, 2), radius, Side - 1 - radius);
                (cx, cy) = horizontal ? (along, line) : (line, along);
            }

            Draw(pixels, shape, Rgb[colour], cx, cy, radius);
            if (k == 1) words.AddRange(horizontal ? ["left", "of"] : ["above"]);
            words.AddRange(["a", large ? "large" : "small", Colours[colour], Shapes[shape]]);
        }

        return new Picture(pixels, [.. words.Select(Words.Id), Words.End]);
    }

    /// <summary>
    /// The feature vector: per colour, present, area, centroid x and y, box width and height, fill ratio; then the
    /// width and height of the box around every shape.
    /// </summary>
    public static float[] Features(float[] pixels)
    {
        var features = new float[FeatureCount];
        int ax0 = Side, ay0 = Side, ax1 = 0, ay1 = 0;
        for (int colour = 0; colour < Rgb.Length; colour++)
        {
            int area = 0, x0 = Side, y0 = Side, x1 = -1, y1 = -1;
            double sx = 0, sy = 0;
            for (int y = 0; y < Side; y++)
            {
                for (int x = 0; x < Side; x++)
                {
                    int i = (y * Side + x) * 3;
                    if (pixels[i] != Rgb[colour][0] || pixels[i + 1] != Rgb[colour][1] || pixels[i + 2] != Rgb[colour][2]) continue;
                    area++;
                    sx += x;
                    sy += y;
                    (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
                }
            }

            if (area == 0) continue;
            (ax0, ay0, ax1, ay1) = (Math.Min(ax0, x0), Math.Min(ay0, y0), Math.Max(ax1, x1), Math.Max(ay1, y1));
            int w = x1 - x0 + 1, h = y1 - y0 + 1;
            Span<float> f = features.AsSpan(colour * 7, 7);
            f[0] = 1;
            f[1] = area / 100f;
            f[2] = (float)(sx / area / Side);
            f[3] = (float)(sy / area / Side);
            f[4] = w / (float)Side;
            f[5] = h / (float)Side;
            f[6] = area / (float)(w * h);
        }

        features[^2] = (ax1 - ax0 + 1) / (float)Side;
        features[^1] = (ay1 - ay0 + 1) / (float)Side;
        return features;
    }

    /// <summary>The picture as text: one character per pixel, the colour's initial or '.'.</summary>
    public static string Ascii(float[] pixels)
    {
        var text = new System.Text.StringBuilder();
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                int i = (y * Side + x) * 3;
                (float r, float g, float b) = (pixels[i], pixels[i + 1], pixels[i + 2]);
                text.Append(r > 0 && g > 0 ? 'Y' : r > 0 ? 'R' : g > 0 ? 'G' : b > 0 ? 'B' : '.');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static void Draw(float[] pixels, int shape, float[] rgb, int cx, int cy, int r)
    {
        for (int y = cy - r; y <= cy + r; y++)
        {
            for (int x = cx - r; x <= cx + r; x++)
            {
                if ((uint)x >= Side || (uint)y >= Side) continue;
                int dx = x - cx, dy = y - cy;
                bool inside = shape switch
                {
                    0 => dx * dx + dy * dy <= r * r,
                    1 => Math.Abs(dx) <= r - 1 && Math.Abs(dy) <= r - 1,
                    _ => dy >= -r && dy <= r && 2 * Math.Abs(dx) <= dy + r, // apex at the top, base at the bottom
                };
                if (inside) rgb.CopyTo(pixels, (y * Side + x) * 3);
            }
        }
    }
}
