@{
    RootModule           = 'Scylla.PowerShell.dll'
    ModuleVersion        = '0.0.0' # stamped from Directory.Build.props <Version> by tools/build.ps1
    GUID                 = '6f8d3c1e-2b7a-4f0e-9a51-3c2d7e8b9f14'
    Author               = 'Scylla.PowerShell contributors'
    Copyright            = '(c) Scylla.PowerShell contributors. MIT License.'
    Description          = 'Find broken runs of ProjectScylla AI-agent evaluation experiments, inspect and edit their checkpoints, and re-run them from the pipeline.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    HelpInfoUri          = 'https://github.com/HomericIntelligence/Scylla.PowerShell/tree/main/docs/en-US'
    FormatsToProcess     = @('Scylla.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-ScyllaRun'
        'Get-ScyllaCheckpoint'
        'Set-ScyllaCheckpoint'
        'Reset-ScyllaRun'
        'Repair-ScyllaCheckpoint'
        'New-ScyllaSampleExperiment'
        'New-ScyllaWorkspace'
        'Get-ScyllaWorkspace'
        'Remove-ScyllaWorkspace'
        'Invoke-ScyllaRerun'
        'Update-ScyllaResult'
        'Get-ScyllaExperiment'
        'Get-ScyllaRerunPlan'
        'Export-ScyllaReport'
        'Submit-ScyllaRerun'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Scylla', 'ProjectScylla', 'Evaluation', 'PSEdition_Core', 'Linux')
            ProjectUri   = 'https://github.com/HomericIntelligence/Scylla.PowerShell'
            LicenseUri   = 'https://github.com/HomericIntelligence/Scylla.PowerShell/blob/main/LICENSE'
            ReleaseNotes = 'https://github.com/HomericIntelligence/Scylla.PowerShell/blob/main/CHANGELOG.md'
            Prerelease   = '' # stamped from the <Version> suffix, if any
        }
    }
}
