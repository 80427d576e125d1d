namespace Threshold.Web.Pages.Shared;

/// <summary>One labelled input, its error linked with aria-describedby.</summary>
public sealed record FieldModel(string Name, string Id, string Label, string Type, string Autocomplete, string? Value, string? Error, string? Hint = null,
    string? InputMode = null);
