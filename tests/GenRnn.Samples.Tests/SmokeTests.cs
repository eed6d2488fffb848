using Xunit;

namespace GenRnn.Samples.Tests;

/// <summary>Every sample runs end to end on tiny inputs.</summary>
public class SmokeTests
{
    [Fact]
    public void SeedTour_RunsQuick()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seedtour-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, SeedTour.Program.Main(["--quick", "--out", folder]));
            foreach (string name in new[] { "parity", "adding", "exploding", "reber" })
            {
                Assert.True(new FileInfo(Path.Combine(folder, $"{name}.png")).Length > 1000, name);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
