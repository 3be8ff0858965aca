# Export-ScyllaReport rendered by Debian's headless Chromium (installed by tools/Install-Chromium.sh from the test
# task): the screenshot shows the matrix in its four colours, and the page's text (--dump-dom) has the figures.
BeforeDiscovery {
    $noChromium = -not (Get-Command chromium -ErrorAction Ignore) -and $env:CI -ne 'true'
}

BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE

    # A PNG's size and pixels (8-bit RGB or RGBA, not interlaced: what Chromium writes), decoded with .NET's zlib.
    Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.IO.Compression;
public static class ScyllaTestPng
{
    public static int[] Read(string path, out int width, out int height)
    {
        var bytes = File.ReadAllBytes(path);
        width = BigEndian(bytes, 16);
        height = BigEndian(bytes, 20);
        int channels = bytes[25] == 6 ? 4
            : bytes[25] == 2 ? 3
            : throw new InvalidDataException("colour type " + bytes[25]);
        if (bytes[24] != 8 || bytes[28] != 0) throw new InvalidDataException("not 8-bit, or interlaced");
        var idat = new MemoryStream();
        for (int at = 8; at < bytes.Length;)
        {
            int length = BigEndian(bytes, at);
            if (System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4) == "IDAT") idat.Write(bytes, at + 8, length);
            at += length + 12;
        }
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(raw);
        var data = raw.ToArray();
        int stride = width * channels;
        var previous = new byte[stride];
        var pixels = new int[width * height];
        for (int y = 0; y < height; y++)
        {
            int filter = data[y * (stride + 1)];
            var line = new byte[stride];
            Array.Copy(data, y * (stride + 1) + 1, line, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? line[i - channels] : 0;
                int b = previous[i];
                int c = i >= channels ? previous[i - channels] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                int predictor = filter switch { 1 => a, 2 => b, 3 => (a + b) / 2, 4 => paeth, _ => 0 };
                line[i] = (byte)(line[i] + predictor);
            }
            for (int x = 0; x < width; x++)
            {
                int at = x * channels;
                pixels[y * width + x] = (line[at] << 16) | (line[at + 1] << 8) | line[at + 2];
            }
            previous = line;
        }
        return pixels;
    }

    public static int Count(int[] pixels, int rgb) => Array.FindAll(pixels, p => p == rgb).Length;

    public static int Distinct(int[] pixels) => new System.Collections.Generic.HashSet<int>(pixels).Count;

    private static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
'@

    # As root (CI), Chromium's sandbox cannot start; --no-sandbox is the documented switch for that.
    function Invoke-Chromium([string[]] $Arguments) {
        $switches = '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
            '--disable-extensions'
        $output = & chromium @switches @Arguments 2>$null
        if ($LASTEXITCODE -ne 0) { throw "chromium exited $LASTEXITCODE" }
        $output
    }

    # One subtest per cell colour: T0/00 all Completed, T0/01 Completed and Failed, T0/02 Completed and Missing, T0/03
    # never started.
    $sample = @{ TierCount = 1; SubtestCount = 4; RunCount = 2; Status = 'Completed', 'Failed' }
    $experiment = (New-ScyllaSampleExperiment (Join-Path $TestDrive 'exp') @sample).FullName
    Remove-Item "$experiment/T0/00/run_02" -Recurse -Force
    Copy-Item "$experiment/T0/00/run_01" "$experiment/T0/00/run_02" -Recurse
    Remove-Item "$experiment/T0/02/run_02", "$experiment/T0/03/run_01", "$experiment/T0/03/run_02" -Recurse -Force
    $report = Export-ScyllaReport $experiment -DestinationPath (Join-Path $TestDrive 'reports')
}

Describe 'Export-ScyllaReport' {
    It 'writes one self-contained HTML file per experiment' {
        $report.FullName | Should -Be (Join-Path $TestDrive 'reports/exp.html')
        $html = Get-Content $report.FullName -Raw
        $html | Should -Not -Match '(?i)<script|<link|<img|\bsrc=|\bhref=|url\(|@import' -Because 'no external assets'
        $html | Should -Match '<title>Scylla report: sample-001</title>'
    }

    It 'renders in headless Chromium: a screenshot of the expected size, the matrix in four colours' -Skip:$noChromium {
        $png = Join-Path $TestDrive 'report.png'

        Invoke-Chromium "--window-size=1000,700", "--screenshot=$png", "file://$($report.FullName)" | Out-Null

        $width = $height = 0
        $pixels = [ScyllaTestPng]::Read($png, [ref] $width, [ref] $height)
        "$width x $height" | Should -Be '1000 x 700'
        [ScyllaTestPng]::Distinct($pixels) | Should -BeGreaterThan 50 -Because 'a page with text is not blank'
        foreach ($colour in '2e7d32', 'c62828', 'f9a825', '9e9e9e') {
            [ScyllaTestPng]::Count($pixels, [Convert]::ToInt32($colour, 16)) |
                Should -BeGreaterThan 2000 -Because "a matrix cell and the legend are painted #$colour"
        }
    }

    It 'has the figures in the rendered page''s text' -Skip:$noChromium {
        $dom = (Invoke-Chromium '--dump-dom', "file://$($report.FullName)") -join "`n"
        $text = $dom -replace '<[^>]+>', ' ' -replace '\s+', ' '

        $text | Should -Match 'Experiment sample-001'
        $text | Should -Match '4 of 8 runs completed'
        $text | Should -Match '00 2/2 done, \d+% pass 01 1/2 done, \d+% pass 02 1/2 done, \d+% pass 03 0/2 done, - pass'
        $text | Should -Match 'T0 8 4 \d+% [\d.]+ 0\.48 0\.12 3 min'
        $text | Should -Match 'Runs that need action \(4\)'
        $text | Should -Match 'T0/01/run_02 Failed AgentFailed,AgentFailed,AgentFailed RerunAgent Agent ran but failed'
        $text | Should -Match 'T0/03/run_01 Missing - RerunAgent Run never started'
        $dom | Should -Match 'background:#9e9e9e" title="T0/03"'
    }
}
