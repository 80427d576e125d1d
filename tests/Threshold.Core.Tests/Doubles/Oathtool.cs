using System.Diagnostics;
using System.Globalization;

namespace Threshold.Core.Tests.Doubles;

/// <summary>
/// TOTP codes from Debian's <c>oathtool</c> (OATH Toolkit), an implementation independent of
/// ours, at a given instant: <c>oathtool --totp -b KEY --now "yyyy-MM-dd HH:mm:ss UTC"</c>.
/// scripts/test.sh installs it (package oathtool).
/// </summary>
public static class Oathtool
{
    public static string Totp(string base32Key, DateTimeOffset at)
    {
        var start = new ProcessStartInfo("oathtool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--totp", "-b", base32Key, "--now", at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" })
            start.ArgumentList.Add(argument);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("oathtool is not installed (apt-get install oathtool; scripts/test.sh installs it).", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd().Trim();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || output.Length != 6 || !output.All(char.IsAsciiDigit))
                throw new InvalidOperationException($"oathtool failed (exit {process.ExitCode}): {output} {error}");
            return output;
        }
    }
}
