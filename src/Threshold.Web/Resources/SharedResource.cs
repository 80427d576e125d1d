namespace Threshold.Web;

/// <summary>
/// Marker for the shared resource file. Page text uses its English wording as the key
/// (ASP.NET Core's convention: a missing translation falls back to English); error
/// codes from Core are keys with their English sentence in SharedResource.resx.
/// </summary>
public sealed class SharedResource;
