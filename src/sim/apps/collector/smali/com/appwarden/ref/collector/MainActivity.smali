.class public Lcom/appwarden/ref/collector/MainActivity;
.super Landroid/app/Activity;

# Behaviour lives in assets/appwarden-sim.yaml (run by the sim's model runner); the dex only makes
# the APK real: a launchable activity that aapt, apksigner and the sim's manifest reader accept.
.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method
