namespace GenRnn.Interop;

/// <summary>Writes a file under a temporary name in the destination's folder, then moves it over the destination.</summary>
internal static class AtomicFile
{
    private const string TemporaryEnding = ".tmp";

    private const int GuidDigits = 32; // Guid.ToString("N")

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>: a crash leaves the old file or the new one, never a
    /// partial one. Temporary files that earlier writes to the same path left behind (killed mid-write) are deleted.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new ArgumentException($"'{path}' is a folder, not a file.", nameof(path));
        }

        string temporary = fullPath + "." + Guid.NewGuid().ToString("N") + TemporaryEnding;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the original error matters more.
            }
            catch (UnauthorizedAccessException)
            {
            }

            throw;
        }

        DeleteStaleTemporaries(fullPath);
    }

    /// <summary>Whether <paramref name="name"/> is exactly <c>{fileName}.{32 hex digits}.tmp</c>, a temporary name of <see cref="Write"/>.</summary>
    internal static bool IsTemporaryName(string name, string fileName)
    {
        int digits = fileName.Length + 1;
        if (name.Length != digits + GuidDigits + TemporaryEnding.Length
            || !name.StartsWith(fileName, StringComparison.Ordinal)
            || name[fileName.Length] != '.'
            || !name.EndsWith(TemporaryEnding, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in name.AsSpan(digits, GuidDigits))
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // Best effort, after the write succeeded: a temporary that cannot be opened exclusively is in use (another save of
    // the same path is writing it; .NET locks FileShare.None files on every platform) or protected, and is kept.
    private static void DeleteStaleTemporaries(string fullPath)
    {
        string folder = Path.GetDirectoryName(fullPath)!;
        string fileName = Path.GetFileName(fullPath);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, "*" + TemporaryEnding).Where(f => IsTemporaryName(Path.GetFileName(f), fileName)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string candidate in candidates)
        {
            try
            {
                using var exclusive = new FileStream(candidate, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use or not ours to delete: leave it.
            }
        }
    }
}
