namespace GenRnn.Generators.Pipeline;

/// <summary>Names of the pipeline steps, so tests can check that each is cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Models = nameof(Models);
    public const string AllowUnsafe = nameof(AllowUnsafe);
    public const string Output = nameof(Output);
    public const string OrphanLayers = nameof(OrphanLayers);
}
