using GenRnn.Interop;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>A save deletes the temporaries that killed saves of the same path left, and nothing else.</summary>
public sealed class AtomicFileTests
{
    private const string Hex = "0123456789abcdef0123456789ABCDEF";

    [Fact]
    public void A_save_deletes_stale_temporaries_of_its_path_only()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"genrnn-atomic-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string[] stale = ["model.safetensors." + Guid.NewGuid().ToString("N") + ".tmp", "model.safetensors." + Hex + ".tmp"];
            string[] decoys =
            [
                "model.safetensors." + Hex[..31] + ".tmp",           // 31 digits
                "model.safetensors." + Hex + "0.tmp",                // 33 digits
                "model.safetensors." + Hex[..31] + "g.tmp",          // not hex
                "model.safetensors." + Hex + ".tmp.bak",
                "model.safetensors." + Hex + ".TMP",
                "model.safetensors" + Hex + ".tmp",                  // no dot
                "xmodel.safetensors." + Hex + ".tmp",                // another file's
                "other.safetensors." + Hex + ".tmp",
                "model.safetensors.tmp",
                "model.safetensors.bak",
            ];
            foreach (string name in stale.Concat(decoys))
            {
                File.WriteAllText(Path.Combine(folder, name), "x");
            }

            string inUse = Path.Combine(folder, "model.safetensors." + new string('e', 32) + ".tmp");
            string subfolder = Path.Combine(folder, "model.safetensors." + new string('d', 32) + ".tmp");
            Directory.CreateDirectory(subfolder);
            string target = Path.Combine(folder, "model.safetensors");
            using (var writing = new FileStream(inUse, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                // A save of the same path still writing its temporary (as AtomicFile holds it) keeps it.
                SafeTensors.Write(target, [new NamedTensor("w", [2], [1f, 2f])]);
                Assert.True(File.Exists(inUse));
            }

            Assert.Equal([1f, 2f], SafeTensors.Read(target).Find("w")!.Data);
            Assert.All(stale, name => Assert.False(File.Exists(Path.Combine(folder, name)), name));
            Assert.All(decoys, name => Assert.True(File.Exists(Path.Combine(folder, name)), name));
            Assert.True(Directory.Exists(subfolder));
            string[] left = [.. Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
            string[] expected = [.. decoys.Append("model.safetensors").Append(Path.GetFileName(inUse)).Append(Path.GetFileName(subfolder)).Order(StringComparer.Ordinal)];
            Assert.Equal(expected, left);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("a.onnx.0123456789abcdef0123456789abcdef.tmp", true)]
    [InlineData("a.onnx.0123456789ABCDEF0123456789ABCDEF.tmp", true)]
    [InlineData("a.onnx.0123456789abcdef0123456789abcde.tmp", false)]
    [InlineData("a.onnx.0123456789abcdef0123456789abcdefa.tmp", false)]
    [InlineData("a.onnx.0123456789abcdef0123456789abcdex.tmp", false)]
    [InlineData("b.onnx.0123456789abcdef0123456789abcdef.tmp", false)]
    [InlineData("A.onnx.0123456789abcdef0123456789abcdef.tmp", false)]
    [InlineData("a.onnx_0123456789abcdef0123456789abcdef.tmp", false)]
    [InlineData("a.onnx.0123456789abcdef0123456789abcdef_tmp", false)]
    public void Temporary_names_are_matched_exactly(string name, bool matches)
        => Assert.Equal(matches, AtomicFile.IsTemporaryName(name, "a.onnx"));
}
