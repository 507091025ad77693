import FRGCLI

FRG.mainExitingWithUsageCode()
