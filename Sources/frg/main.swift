import FRGCLI

FRG.main()
