using Xunit;

namespace GenRnn.Tests.Training;

/// <summary>The example of docs/training.md compiles (it is DocsExample.cs, word for word) and does what it says.</summary>
public sealed class DocsExampleTests
{
    private static DirectoryInfo Repository()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "GenRnn.sln")))
        {
            folder = folder.Parent;
        }

        return folder ?? throw new InvalidOperationException("GenRnn.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_documented_example_is_DocsExample_cs()
    {
        string root = Repository().FullName;
        string doc = File.ReadAllText(Path.Combine(root, "docs", "training.md")).ReplaceLineEndings("\n");
        string source = File.ReadAllText(Path.Combine(root, "tests", "GenRnn.Tests", "Training", "DocsExample.cs")).ReplaceLineEndings("\n");
        const string Start = "<!-- tests/GenRnn.Tests/Training/DocsExample.cs -->\n```csharp\n";
        int start = doc.IndexOf(Start, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/training.md has no code block marked as DocsExample.cs");
        start += Start.Length;
        int end = doc.IndexOf("```", start, StringComparison.Ordinal);
        Assert.Equal(source.Trim(), doc[start..end].Trim());
    }

    [Fact]
    public void The_documented_example_learns_parity()
    {
        DirectoryInfo folder = Directory.CreateTempSubdirectory("genrnn-docs-");
        try
        {
            string checkpoint = Path.Combine(folder.FullName, "parity.ckpt");
            double accuracy = ParityDemo.ParityExample.Run(checkpoint);
            Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P1}");
            Assert.Equal(150, GenRnn.Training.Checkpoint.Read(checkpoint).Position.Epoch);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
